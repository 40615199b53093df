/**
 * WebAssembly text for Winograd's F(2×2, 3×3) (Lavin & Gray 2016): a 3×3 stride-1 convolution computes each
 * 2×2 output tile from a 4×4 input tile with 16 multiplies per channel pair instead of 36. Per 4×4 input tile d
 * and 3×3 filter g:  Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A, with
 *   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1],  G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1],  Aᵀ = [1 1 1 0; 0 1 −1 −1].
 * The sum over input channels of the ⊙ products is 16 independent GEMMs, U[ξ] [O×C] · V[ξ] [C×T] (T tiles).
 *
 * The three steps run fused over chunks of `nt` tiles, so nothing the size of the whole problem is written
 * twice: the input transform writes the chunk's V straight into the GEMM micro-kernel's packed-B panels (NR
 * tiles wide), the micro-kernel multiplies them with U (transformed once per call into packed-A panels of MR
 * output channels: winogradFilters), and the output transform reads each MR-channel block of M while it is in
 * L1. Threads take chunks of tiles; the driver is src/backends/wasm/winograd.ts.
 *
 * Both transforms work on four horizontally adjacent tiles at once, one per f32x4 lane. For that the tile grid's
 * rows are rounded up to a multiple of 4 tiles (the extra tiles are computed and never stored) and the input is
 * first copied into a zero-bordered plane that every tile of that grid reads inside (winogradPad), so the input
 * transform has no edge cases at all.
 */
import { GEMM_SHAPE } from '../../../src/backends/wasm/gemm-shape.js';
import { fieldOffset, type GeometryField } from '../../../src/backends/wasm/conv-layout.js';
import { add, at, forRange, get, i32, locals, mul, set, sub } from './loops.js';

const geo = (f: GeometryField): string => `(i32.load offset=${fieldOffset(f)} (local.get $g))`;
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const { mr: MR, nr: NR } = GEMM_SHAPE;

const vadd = (a: string, b: string): string => `(f32x4.add ${a} ${b})`;
const vsub = (a: string, b: string): string => `(f32x4.sub ${a} ${b})`;
/** Lanes of a and b (b's numbered 4..7) picked into one vector. */
const shuffle = (a: string, b: string, lanes: number[]): string =>
  `(i8x16.shuffle ${lanes.flatMap((l) => range(4).map((k) => 4 * l + k)).join(' ')} ${a} ${b})`;

/** Bᵀ·v for a column (or row) of four vectors: the input transform's 1-D step. */
const inputStep = (v: string[]): string[] => [vsub(v[0], v[2]), vadd(v[1], v[2]), vsub(v[2], v[1]), vsub(v[1], v[3])];
/** Aᵀ·v: the output transform's 1-D step, four vectors to two. */
const outputStep = (v: string[]): string[] => [vadd(vadd(v[0], v[1]), v[2]), vsub(vsub(v[1], v[2]), v[3])];

/**
 * The padded tile grid: $tH rows of $tW tiles per image ($tW rounded up to 4), and the zero-bordered input
 * plane of $Hp × $Wp floats that it reads: tile (th, tw) reads rows 2·th ... + 3 and columns 2·tw ... + 3
 * ($Wp = 2·$tW + 2 rounded up to whole vectors, so rows can be zeroed a vector at a time).
 * src/backends/wasm/winograd.ts sizes its buffers with the same formulas (paddedGrid).
 */
const gridLocals = locals(['$tH', '$tW', '$tT', '$Hp', '$Wp', '$n', '$th', '$tw']);
const grid = `
    (local.set $tH (i32.shr_u (i32.add ${geo('oH')} (i32.const 1)) (i32.const 1)))
    (local.set $tW (i32.and (i32.add (i32.shr_u (i32.add ${geo('oW')} (i32.const 1)) (i32.const 1)) (i32.const 3)) (i32.const -4)))
    (local.set $tT (i32.mul (local.get $tH) (local.get $tW)))
    (local.set $Hp (i32.add (i32.shl (local.get $tH) (i32.const 1)) (i32.const 2)))
    (local.set $Wp (i32.add (i32.shl (local.get $tW) (i32.const 1)) (i32.const 4)))`;
/** Sets $n, $th, $tw to the image and tile row/column of tile $t (tiles numbered image by image, row by row). */
const tileAt = (t: string): string => `
    (local.set $n (i32.div_u ${t} (local.get $tT)))
    (local.set $tw (i32.rem_u ${t} (local.get $tT)))
    (local.set $th (i32.div_u (local.get $tw) (local.get $tW)))
    (local.set $tw (i32.rem_u (local.get $tw) (local.get $tW)))`;
/** Moves $n, $th, $tw on to the next group of four tiles (a grid row holds whole groups). */
const nextGroup = `
    (if (i32.eq (local.tee $tw (i32.add (local.get $tw) (i32.const 4))) (local.get $tW)) (then
      (local.set $tw (i32.const 0))
      (if (i32.eq (local.tee $th (i32.add (local.get $th) (i32.const 1))) (local.get $tH)) (then
        (local.set $th (i32.const 0))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))))))`;

/**
 * Planes [$p0, $p1) of x [N·C][H][W] copied into the zero-bordered $Hp × $Wp planes of xp. Rows are a few dozen
 * floats, so the copy is a vector loop: three memory.copy/fill calls per row cost more than moving the bytes
 * (1.2-3 ms against about 1 ms for [8,64,56,56], measured on a busy machine).
 */
function pad(): string {
  const zero = (from: string, to: string): string => forRange('$k', from, to, `(f32.store ${at(get('$dst'), get('$k'))} (f32.const 0))`);
  return `
  (func (export "winogradPad") (param $g i32) (param $x i32) (param $xp i32) (param $p0 i32) (param $p1 i32)
    ${locals(['$H', '$W', '$pH', '$pW', '$p', '$r', '$ih', '$k', '$dst', '$src', '$c0', '$c1', '$n4'])} ${gridLocals}
    (local.set $H ${geo('H')}) (local.set $W ${geo('W')}) (local.set $pH ${geo('pH')}) (local.set $pW ${geo('pW')}) ${grid}
    ;; the columns of a padded row that come from x: [c0, c1), c1 - c0 rounded down to whole vectors: n4
    (local.set $c0 (call $min (local.get $pW) (local.get $Wp)))
    (local.set $c1 (call $min (i32.add (local.get $pW) (local.get $W)) (local.get $Wp)))
    (local.set $n4 (i32.and (i32.sub (local.get $c1) (local.get $c0)) (i32.const -4)))
    ${forRange('$p', get('$p0'), get('$p1'), forRange('$r', i32(0), get('$Hp'), `
      (local.set $dst ${at(get('$xp'), mul(add(mul(get('$p'), get('$Hp')), get('$r')), get('$Wp')))})
      (local.set $ih (i32.sub (local.get $r) (local.get $pH)))
      (if (i32.and (i32.lt_u (local.get $ih) (local.get $H)) (i32.lt_s (local.get $c0) (local.get $c1)))
        (then
          (local.set $src ${at(get('$x'), sub(add(mul(add(mul(get('$p'), get('$H')), get('$ih')), get('$W')), get('$c0')), get('$pW')))})
          ${zero(i32(0), get('$c0'))}
          ${forRange('$k', i32(0), get('$n4'), `(v128.store ${at(get('$dst'), add(get('$c0'), get('$k')))} (v128.load ${at(get('$src'), get('$k'))}))`, i32(4))}
          ${forRange('$k', add(get('$c0'), get('$n4')), get('$c1'), `(f32.store ${at(get('$dst'), get('$k'))} (f32.load ${at(get('$src'), sub(get('$k'), get('$c0')))}))`)}
          ${zero(get('$c1'), get('$Wp'))})
        (else ${forRange('$k', i32(0), get('$Wp'), `(v128.store ${at(get('$dst'), get('$k'))} (v128.const i32x4 0 0 0 0))`, i32(4))}))`))})`;
}

/**
 * U[ξ] = (G g Gᵀ)[ξ] for the filters of output channels [4·$p0, 4·$p1), in the GEMM's packed-A layout: per ξ,
 * MR-row panels of the O (rounded up to MR) × C matrix, stored k-major, so the micro-kernel reads U as the
 * GEMM reads a packed A. The filter of output channel o and input channel c is the 3×3 block at
 * $w + (o·$so + c·$sc)·9 floats, its taps read backwards when $flip is set: the input gradient's filters are the
 * forward ones transposed and flipped, read in place. Four output channels go through in the lanes of one
 * vector; those at or past O repeat the last filter (their rows of M are computed and never stored).
 */
function filterTransform(): string {
  const half = (v: string): string => `(f32x4.mul ${v} (v128.const f32x4 0.5 0.5 0.5 0.5))`;
  /** G·v for one column (or row) of three vectors. */
  const step = (v: string[]): string[] => [v[0], half(vadd(vadd(v[0], v[1]), v[2])), half(vadd(vsub(v[0], v[1]), v[2])), v[2]];
  const tap = (lane: number, k: number): string =>
    `(f32.load (i32.add (local.get $f${lane}) (i32.add (local.get $first) (i32.mul (local.get $dir) (i32.const ${k})))))`;
  const gather = range(9).map((k) => set(`$g${k}`, range(3).reduce(
    (v, l) => `(f32x4.replace_lane ${l + 1} ${v} ${tap(l + 1, k)})`, `(f32x4.splat ${tap(0, k)})`)));
  const gg = range(3).map((j) => step([0, 1, 2].map((r) => get(`$g${3 * r + j}`)))); // (G g) column j
  const rows = range(4).flatMap((r) => range(3).map((j) => set(`$h${r}${j}`, gg[j][r])));
  const stores = range(4).flatMap((r) => step(range(3).map((j) => get(`$h${r}${j}`))).map((v, c) =>
    `(v128.store (i32.add (local.get $dst) ${mul(i32(4 * r + c), get('$stride'))}) ${v})`));
  const filterAt = (lane: number): string => set(`$f${lane}`, at(get('$w'),
    mul(i32(9), add(mul(`(call $min ${add(mul(get('$p'), i32(MR)), i32(lane))} (i32.sub (local.get $O) (i32.const 1)))`, get('$so')), mul(get('$c'), get('$sc'))))));
  return `
  (func (export "winogradFilters") (param $w i32) (param $u i32) (param $O i32) (param $C i32) (param $so i32) (param $sc i32)
    (param $flip i32) (param $p0 i32) (param $p1 i32)
    ${locals(['$p', '$c', '$dst', '$stride', '$first', '$dir', '$f0', '$f1', '$f2', '$f3'])}
    ${locals([...range(9).map((k) => `$g${k}`), ...range(12).map((k) => `$h${Math.floor(k / 3)}${k % 3}`)], 'v128')}
    (local.set $stride ${mul(i32(4), `(i32.and (i32.add (local.get $O) (i32.const ${MR - 1})) (i32.const ${-MR}))`, get('$C'))})
    (local.set $first (select (i32.const 32) (i32.const 0) (local.get $flip)))
    (local.set $dir (select (i32.const -4) (i32.const 4) (local.get $flip)))
    ${forRange('$p', get('$p0'), get('$p1'), forRange('$c', i32(0), get('$C'), `
      (local.set $dst ${at(get('$u'), add(mul(get('$p'), i32(MR), get('$C')), mul(get('$c'), i32(MR))))})
      ${range(4).map(filterAt).join(' ')}
      ${gather.join('\n      ')}
      ${rows.join('\n      ')}
      ${stores.join('\n      ')}`))})`;
}

/**
 * Four tiles' 4×4 patches, starting at $src (row stride $row bytes), transformed and stored as four lanes at
 * $dst + ξ·$stride bytes. Row r of the patches is columns 0..9 of the padded row: d[r][k] for the four tiles
 * is columns k, k + 2, k + 4, k + 6, de-interleaved from three loads.
 */
function inputGroup(): string {
  const d = (r: number, c: number): string => `$d${r}${c}`;
  const load = range(4).flatMap((r) => {
    const src = r === 0 ? get('$src') : `(i32.add (local.get $src) ${mul(i32(r), get('$row'))})`;
    return [
      set('$a', `(v128.load ${src})`), set('$b', `(v128.load offset=16 ${src})`), set('$e', `(v128.load64_zero offset=32 ${src})`),
      set(d(r, 0), shuffle(get('$a'), get('$b'), [0, 2, 4, 6])),
      set(d(r, 1), shuffle(get('$a'), get('$b'), [1, 3, 5, 7])),
      set(d(r, 2), shuffle(get(d(r, 0)), get('$e'), [1, 2, 3, 4])),
      set(d(r, 3), shuffle(get(d(r, 1)), get('$e'), [1, 2, 3, 5])),
    ];
  });
  // rows first: t = Bᵀ d, kept as expressions over the loaded locals; then columns: V = t B
  const cols = range(4).map((c) => inputStep(range(4).map((r) => get(d(r, c)))));
  const store = range(4).flatMap((r) => {
    const row = inputStep(range(4).map((c) => get(`$t${r}${c}`)));
    return [
      ...range(4).map((c) => set(`$t${r}${c}`, cols[c][r])),
      ...row.map((v, c) => `(v128.store (i32.add (local.get $dst) ${mul(i32(4 * r + c), get('$stride'))}) ${v})`),
    ];
  });
  return [...load, ...store].join('\n        ');
}

/**
 * V for tiles [$t0, $t0 + $count) into packed-B panels: V[ξ] blocks are C·nt floats apart, within one the
 * tile i of channel c sits at (i / NR)·NR·C + c·NR + i % NR. Tiles from $count up to nt are zero.
 */
function inputChunk(): string {
  const names = range(16).map((k) => `${Math.floor(k / 4)}${k % 4}`);
  const zeros = range(16).map((k) => `(v128.store (i32.add (local.get $dst) ${mul(i32(k), get('$stride'))}) (v128.const i32x4 0 0 0 0))`);
  return `
  (func $winogradInputChunk (param $g i32) (param $xp i32) (param $vp i32) (param $t0 i32) (param $count i32) (param $nt i32)
    ${locals(['$C', '$c', '$i', '$src', '$dst', '$stride', '$row'])} ${gridLocals}
    ${locals(['$a', '$b', '$e', ...names.map((k) => `$d${k}`), ...names.map((k) => `$t${k}`)], 'v128')}
    (local.set $C ${geo('C')}) ${grid}
    (local.set $stride ${mul(i32(4), get('$C'), get('$nt'))})
    (local.set $row (i32.shl (local.get $Wp) (i32.const 2)))
    ${forRange('$c', i32(0), get('$C'), `
      ${tileAt(get('$t0'))}
      ${forRange('$i', i32(0), get('$nt'), `
      (local.set $dst ${at(get('$vp'), add(mul(i32(NR), get('$C'), `(i32.div_u (local.get $i) (i32.const ${NR}))`), mul(get('$c'), i32(NR)), `(i32.rem_u (local.get $i) (i32.const ${NR}))`))})
      (if (i32.lt_u (local.get $i) (local.get $count))
        (then
        (local.set $src ${at(get('$xp'), add(mul(add(mul(get('$n'), get('$C')), get('$c')), get('$Hp'), get('$Wp')), mul(get('$th'), i32(2), get('$Wp')), mul(get('$tw'), i32(2))))})
        ${inputGroup()}
        ${nextGroup})
        (else ${zeros.join(' ')}))`, i32(4))}`)})`;
}

/**
 * Output channels [$o0, $o0 + MR) (those below O) of tiles [$t0, $t0 + $count), four tiles at a time:
 * y = Aᵀ M A + bias, M as the micro-kernel left it, M[ξ] blocks MR·nt floats apart, channel o's row nt long.
 */
function outputChunk(): string {
  const m = (k: number): string => `(v128.load ${k === 0 ? get('$src') : `(i32.add (local.get $src) ${mul(i32(k), get('$mstride'))})`})`;
  const cols = range(4).map((c) => outputStep(range(4).map((r) => m(4 * r + c)))); // Aᵀ M per column c
  const tmpSet = range(2).flatMap((r) => range(4).map((c) => set(`$s${r}${c}`, cols[c][r])));
  const outs = range(2).flatMap((r) => outputStep(range(4).map((c) => get(`$s${r}${c}`))).map((v, c) => set(`$y${r}${c}`, vadd(v, get('$b')))));
  const rowAt = (r: number): string => at(get('$plane'), add(mul(add(get('$oh'), i32(r)), get('$oW')), get('$ow')));
  // whole groups: each output row's 8 values interleaved from the tiles' two columns
  const vectorStores = range(2).map((r) => `
          (v128.store ${rowAt(r)} ${shuffle(get(`$y${r}0`), get(`$y${r}1`), [0, 4, 1, 5])})
          (v128.store offset=16 ${rowAt(r)} ${shuffle(get(`$y${r}0`), get(`$y${r}1`), [2, 6, 3, 7])})`);
  const laneStores = range(4).flatMap((j) => range(4).map((k) => {
    const [r, c] = [k >> 1, k & 1];
    return `
          (if (i32.and (i32.lt_u ${add(get('$oh'), i32(r))} (local.get $oH)) (i32.lt_u ${add(get('$ow'), i32(2 * j + c))} (local.get $oW)))
            (then (f32.store ${at(rowAt(r), i32(2 * j + c))} (f32x4.extract_lane ${j} (local.get $y${r}${c})))))`;
  }));
  return `
  (func $winogradOutputChunk (param $g i32) (param $m i32) (param $y i32) (param $bias i32) (param $o0 i32) (param $t0 i32) (param $count i32) (param $nt i32)
    ${locals(['$O', '$oH', '$oW', '$o', '$o1', '$i', '$oh', '$ow', '$plane', '$src', '$mstride'])} ${gridLocals}
    ${locals(['$b', ...range(8).map((k) => `$s${k >> 2}${k & 3}`), ...range(4).map((k) => `$y${k >> 1}${k & 1}`)], 'v128')}
    (local.set $O ${geo('O')}) (local.set $oH ${geo('oH')}) (local.set $oW ${geo('oW')}) ${grid}
    (local.set $o1 (call $min (i32.add (local.get $o0) (i32.const ${MR})) (local.get $O)))
    (local.set $mstride ${mul(i32(4 * MR), get('$nt'))})
    ${forRange('$o', get('$o0'), get('$o1'), `
      (local.set $b (f32x4.splat (if (result f32) (local.get $bias) (then (f32.load ${at(get('$bias'), get('$o'))})) (else (f32.const 0)))))
      (local.set $src ${at(get('$m'), mul(sub(get('$o'), get('$o0')), get('$nt')))})
      ${tileAt(get('$t0'))}
      ${forRange('$i', i32(0), get('$count'), `
        (local.set $plane ${at(get('$y'), mul(add(mul(get('$n'), get('$O')), get('$o')), get('$oH'), get('$oW')))})
        (local.set $oh (i32.shl (local.get $th) (i32.const 1)))
        (local.set $ow (i32.shl (local.get $tw) (i32.const 1)))
        ${tmpSet.join('\n        ')}
        ${outs.join('\n        ')}
        (if (i32.and (i32.le_s (i32.add (local.get $oh) (i32.const 2)) (local.get $oH)) (i32.le_s (i32.add (local.get $ow) (i32.const 8)) (local.get $oW)))
          (then ${vectorStores.join('')})
          (else ${laneStores.join('')}))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        ${nextGroup}`, i32(4))}`)})`;
}

/**
 * Tiles [$t0, $t1) of the padded grid (multiples of 4), nt at a time. $xp is the padded input (winogradPad);
 * $u holds U[ξ] as MR-row panels of the O (rounded up to MR) × C matrix, each panel C·MR floats stored k-major;
 * $work is this thread's scratch: the chunk's V panels (16·C·nt floats), then its M block (16·MR·nt floats).
 */
function fusedConv(): string {
  const ukernel = `(call $ukernel (local.get $C)
            ${at(get('$u'), add(mul(get('$xi'), get('$Op'), get('$C')), mul(get('$o0'), get('$C'))))}
            ${at(get('$vp'), add(mul(get('$xi'), get('$C'), get('$nt')), mul(get('$j'), get('$C'))))}
            ${at(get('$m'), add(mul(get('$xi'), i32(MR), get('$nt')), get('$j')))}
            ${mul(i32(4), get('$nt'))} (i32.const 0))`;
  return `
  (func (export "winogradConv") (param $g i32) (param $xp i32) (param $u i32) (param $bias i32) (param $y i32)
    (param $t0 i32) (param $t1 i32) (param $nt i32) (param $work i32)
    ${locals(['$C', '$O', '$Op', '$vp', '$m', '$tc', '$count', '$panels', '$o0', '$xi', '$j'])}
    (local.set $C ${geo('C')}) (local.set $O ${geo('O')})
    (local.set $Op (i32.and (i32.add (local.get $O) (i32.const ${MR - 1})) (i32.const ${-MR})))
    (local.set $vp (local.get $work))
    (local.set $m ${at(get('$work'), mul(i32(16), get('$C'), get('$nt')))})
    ${forRange('$tc', get('$t0'), get('$t1'), `
      (local.set $count (call $min (local.get $nt) (i32.sub (local.get $t1) (local.get $tc))))
      (call $winogradInputChunk (local.get $g) (local.get $xp) (local.get $vp) (local.get $tc) (local.get $count) (local.get $nt))
      ;; whole NR-tile panels that hold a tile of this chunk
      (local.set $panels (i32.and (i32.add (local.get $count) (i32.const ${NR - 1})) (i32.const ${-NR})))
      ${forRange('$o0', i32(0), get('$O'), `
        ${forRange('$xi', i32(0), i32(16), forRange('$j', i32(0), get('$panels'), ukernel, i32(NR)))}
        (call $winogradOutputChunk (local.get $g) (local.get $m) (local.get $y) (local.get $bias) (local.get $o0)
          (local.get $tc) (local.get $count) (local.get $nt))`, i32(MR))}`, get('$nt'))})`;
}

export function winogradWat(): string {
  if (MR !== 4) throw new Error(`winograd: the filter transform puts MR = 4 output channels in a vector, got MR ${MR}`);
  return [pad(), filterTransform(), inputChunk(), outputChunk(), fusedConv()].join('\n');
}

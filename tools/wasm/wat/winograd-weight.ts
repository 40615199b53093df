/**
 * WebAssembly text for the weight gradient of a 3×3 stride-1 convolution by Winograd's F(3×3, 2×2): each 2×2
 * tile of dY (as the "filter") against the 4×4 input patch under it gives its 3×3 share of dW with 16 multiplies
 * instead of 36. Transposing F(2×2, 3×3) (Lavin & Gray 2016; the forward kernel, tools/wasm/wat/winograd.ts):
 *   dW[o, c] = Gᵀ [ Σ_tiles (A g Aᵀ) ⊙ (Bᵀ d B) ] G     g = 2×2 dY tile of channel o, d = 4×4 input patch of c
 * with the forward's Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1], A = (Aᵀ)ᵀ = [1 0; 1 1; 1 −1; 0 −1] and
 * G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]. The sum over tiles is 16 GEMMs M[ξ] [C×O] += V[ξ] [C×T] · U[ξ] [T×O]; the
 * driver (src/backends/wasm/winograd-weight.ts) applies Gᵀ·M·G once per filter at the end.
 *
 * Fused per chunk of whole tile rows (sized so its V and U stay in L2): both transforms carry four channels in
 * the lanes of a vector and store them straight into the GEMM micro-kernel's packed layouts, V as MR = 4-channel
 * A panels and U as NR = 8-channel B panels, both tile-major (the tiles are the GEMM's depth), and the
 * micro-kernel then adds every 4×8 block of M[ξ] with no packing pass. For channel-interleaved input the chunk's
 * rows of four channels are first copied, transposed 4×4 in registers, into a zero-bordered buffer.
 */
import { GEMM_SHAPE } from '../../../src/backends/wasm/gemm-shape.js';
import { fieldOffset, type GeometryField } from '../../../src/backends/wasm/conv-layout.js';
import { add, at, forRange, get, i32, locals, mul, set, sub } from './loops.js';

const geo = (f: GeometryField): string => `(i32.load offset=${fieldOffset(f)} (local.get $g))`;
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const bytes = (e: string): string => `(i32.shl ${e} (i32.const 2))`;
const { mr: MR, nr: NR } = GEMM_SHAPE;

/** Lanes of a and b (b's numbered 4..7) picked into one vector. */
const shuffle = (a: string, b: string, lanes: number[]): string =>
  `(i8x16.shuffle ${lanes.flatMap((l) => range(4).map((k) => 4 * l + k)).join(' ')} ${a} ${b})`;

/** Bᵀ·v over four vectors. */
const inputStep = (v: string[]): string[] => [
  `(f32x4.sub ${v[0]} ${v[2]})`, `(f32x4.add ${v[1]} ${v[2]})`, `(f32x4.sub ${v[2]} ${v[1]})`, `(f32x4.sub ${v[1]} ${v[3]})`,
];
/** A·v: two vectors to four. */
const gradStep = (v: string[]): string[] => [v[0], `(f32x4.add ${v[0]} ${v[1]})`, `(f32x4.sub ${v[0]} ${v[1]})`, `(f32x4.neg ${v[1]})`];

const FIELDS: GeometryField[] = ['C', 'H', 'W', 'O', 'oH', 'oW', 'pH', 'pW'];
const f = (name: GeometryField): string => get(`$${name}`);

/**
 * Padded row $r of the chunk for channels $c .. $c + 3, as [column][channel] vectors: four columns at a time
 * through a 4×4 transpose of four channel rows, then the last columns lane by lane. $src is the first channel's
 * row in x, $dst the row's first input column in the buffer.
 */
function interleaveRow(): string {
  const row = (l: number): string => (l === 0 ? get('$src') : add(get('$src'), mul(i32(l), get('$plane4'))));
  const a = range(4).map((l) => set(`$a${l}`, `(v128.load ${at(row(l), get('$k'))})`));
  const t = [
    set('$t0', shuffle(get('$a0'), get('$a1'), [0, 4, 1, 5])), set('$t1', shuffle(get('$a0'), get('$a1'), [2, 6, 3, 7])),
    set('$t2', shuffle(get('$a2'), get('$a3'), [0, 4, 1, 5])), set('$t3', shuffle(get('$a2'), get('$a3'), [2, 6, 3, 7])),
  ];
  const column = (k: number): string => `(i32.add (local.get $dst) (i32.shl (i32.add (local.get $k) (i32.const ${k})) (i32.const 4)))`;
  const stores = [[0, 2, [0, 1, 4, 5]], [0, 2, [2, 3, 6, 7]], [1, 3, [0, 1, 4, 5]], [1, 3, [2, 3, 6, 7]]].map(([p, q, lanes], k) =>
    `(v128.store ${column(k)} ${shuffle(get(`$t${p}`), get(`$t${q}`), lanes as number[])})`);
  const lane = (l: number): string => `(f32.load ${at(row(l), get('$k'))})`;
  const single = `(v128.store ${column(0)} ${range(3).reduce((v, l) => `(f32x4.replace_lane ${l + 1} ${v} ${lane(l + 1)})`, `(f32x4.splat ${lane(0)})`)})`;
  return `
          ${forRange('$k', i32(0), `(i32.and (local.get $cols) (i32.const -4))`, [...a, ...t, ...stores].join('\n            '), i32(4))}
          ${forRange('$k', `(i32.and (local.get $cols) (i32.const -4))`, get('$cols'), single)}`;
}

/** The chunk's input rows of channels $c .. $c + 3 into `pad`, zero outside the image. */
function interleaveChunk(): string {
  return `
        (memory.fill (local.get $pad) (i32.const 0) (i32.shl ${mul(get('$prows'), get('$wpad'))} (i32.const 4)))
        ${forRange('$r', i32(0), get('$prows'), `
          (local.set $ih ${sub(add(mul(get('$th0'), i32(2)), get('$r')), f('pH'))})
          (if (i32.and (i32.gt_s (local.get $cols) (i32.const 0)) (i32.and (i32.ge_s (local.get $ih) (i32.const 0)) (i32.lt_s (local.get $ih) ${f('H')}))) (then
            (local.set $src ${at(get('$x'), mul(add(mul(add(mul(get('$n'), f('C')), get('$c')), f('H')), get('$ih')), f('W')))})
            (local.set $dst (i32.add (local.get $pad) (i32.shl ${add(mul(get('$r'), get('$wpad')), f('pW'))} (i32.const 4))))
            ${interleaveRow()}))`)}`;
}

/**
 * Bᵀ·d of padded column $k of the tile-row at $src (rows $rowBytes apart, a vector of four channels each) into
 * $v{k}0 .. $v{k}3.
 */
function column(k: number): string {
  const loads = range(4).map((r) => set(`$x${r}`, `(v128.load offset=${16 * k} ${r === 0 ? get('$src') : add(get('$src'), mul(i32(r), get('$rowBytes')))})`));
  const steps = inputStep(range(4).map((r) => get(`$x${r}`))).map((v, i) => set(`$v${k}${i}`, v));
  return [...loads, ...steps].join(' ');
}

/**
 * V[ξ] of the tiles of tile row $th for channels $c .. $c + 3, each tile stored as its step of A panel $c / 4
 * ($dst + ξ·$vs bytes). Horizontally neighbouring tiles share two columns, so the column step Bᵀ·d of columns 2
 * and 3 of one tile is reused as columns 0 and 1 of the next: 8 loads and 8 column steps per tile, not 16 and 16.
 */
function inputRow(): string {
  const rowStep = range(4).flatMap((i) => inputStep(range(4).map((k) => get(`$v${k}${i}`)))
    .map((v, j) => `(v128.store ${add(get('$dst'), mul(i32(4 * i + j), get('$vs')))} ${v})`));
  const shift = range(4).flatMap((i) => [set(`$v0${i}`, get(`$v2${i}`)), set(`$v1${i}`, get(`$v3${i}`))]);
  return `
          (local.set $t ${add(get('$tBase'), mul(sub(get('$th'), get('$th0')), get('$tW')))})
          (local.set $src (i32.add (local.get $pad) (i32.shl ${mul(sub(get('$th'), get('$th0')), i32(2), get('$wpad'))} (i32.const 4))))
          ${column(0)}
          ${column(1)}
          ${forRange('$tw', i32(0), get('$tW'), `
            ${column(2)}
            ${column(3)}
            (local.set $dst ${at(get('$vbuf'), add(mul(get('$c'), get('$Tc')), mul(get('$t'), i32(MR))))})
            ${rowStep.join('\n            ')}
            ${shift.join(' ')}
            (local.set $src (i32.add (local.get $src) (i32.const 32)))
            (local.set $t (i32.add (local.get $t) (i32.const 1)))`)}`;
}

/**
 * U[ξ] of tile $t for output channels $o .. $o + 3, each lane gathered from its channel's plane (L apart); dY
 * past the last row or column reads as zero. Stored as the tile's step in half of B panel $o / 8: $dst + ξ·$us.
 */
function gradTile(): string {
  const g = (a: number, b: number): string => {
    const valid = [a ? '(local.get $row1)' : '', b ? '(local.get $col1)' : '(local.get $col0)'].filter(Boolean);
    const cond = valid.length === 2 ? `(i32.and ${valid[0]} ${valid[1]})` : valid[0];
    // channel l of the tile's top-left output is at p + l·L; row a, column b are a·oW + b further
    const lanes = range(4).reduce((v, l) => {
      const addr = add(get('$p'), mul(i32(l), get('$L4')), ...(a ? [get('$ow4')] : []), i32(4 * b));
      return `(v128.load32_lane ${l} ${addr} ${v})`;
    }, '(v128.const i32x4 0 0 0 0)');
    return `(if (result v128) ${cond} (then ${lanes}) (else (v128.const i32x4 0 0 0 0)))`;
  };
  const gs = [[g(0, 0), g(0, 1)], [g(1, 0), g(1, 1)]];
  const sets = [set('$g00', gs[0][0]), set('$g01', gs[0][1]), set('$g10', gs[1][0]), set('$g11', gs[1][1])];
  // down the columns (A·g), then along the rows (·Aᵀ): U[i][j]
  const cols = [0, 1].map((b) => gradStep([get(`$g0${b}`), get(`$g1${b}`)]));
  const stores = range(4).flatMap((i) => {
    const out = gradStep([cols[0][i], cols[1][i]]);
    return out.map((v, j) => `(v128.store ${add(get('$dst'), mul(i32(4 * i + j), get('$us')))} ${v})`);
  });
  return [...sets, ...stores].join('\n              ');
}

/** Output channels O .. Op (a last half B panel) add nothing: zero U. */
const zeroGrad = range(16).map((k) => `(v128.store ${add(get('$dst'), mul(i32(k), get('$us')))} (v128.const i32x4 0 0 0 0))`).join(' ');

export function winogradWeightWat(): string {
  if (MR !== 4 || NR % 4 !== 0) throw new Error(`winogradWeight: V panels are one vector of 4 channels, U panels whole vectors; got MR ${MR}, NR ${NR}`);
  // image n's first tile in the chunk
  const tileBase = mul(sub(get('$n'), get('$n0')), sub(get('$th1'), get('$th0')), get('$tW'));
  const inputs = forRange('$c', i32(0), f('C'), `        ${forRange('$n', get('$n0'), get('$n1'), `
          ${interleaveChunk()}
          (local.set $tBase ${tileBase})
          ${forRange('$th', get('$th0'), get('$th1'), inputRow())}`)}`, i32(4));
  const grads = forRange('$n', get('$n0'), get('$n1'), `
      (local.set $tBase ${tileBase})
      ${forRange('$th', get('$th0'), get('$th1'), forRange('$tw', i32(0), get('$tW'), `
        (local.set $t ${add(get('$tBase'), mul(sub(get('$th'), get('$th0')), get('$tW')), get('$tw'))})
        (local.set $row1 (i32.lt_s ${add(mul(get('$th'), i32(2)), i32(1))} ${f('oH')}))
        (local.set $col0 (i32.lt_s ${mul(get('$tw'), i32(2))} ${f('oW')}))
        (local.set $col1 (i32.lt_s ${add(mul(get('$tw'), i32(2)), i32(1))} ${f('oW')}))
        ${forRange('$o', i32(0), get('$Op'), `
          ;; channel o's lane block: panel o / NR, tile t's step, lanes o % NR
          (local.set $dst ${at(get('$ubuf'), add(mul(`(i32.and (local.get $o) (i32.const ${-NR}))`, get('$Tc')), mul(get('$t'), i32(NR)), `(i32.and (local.get $o) (i32.const ${NR - 1}))`))})
          (if (i32.lt_s (local.get $o) ${f('O')})
            (then
              (local.set $p ${at(get('$dy'), add(mul(add(mul(get('$n'), f('O')), get('$o')), get('$L')), mul(get('$th'), i32(2), f('oW')), mul(get('$tw'), i32(2))))})
              ${gradTile()})
            (else ${zeroGrad}))`, i32(4))}`))}`);
  const ukernel = `(call $ukernel (local.get $Tc)
            (i32.add ${mul(get('$xi'), get('$vs'))} ${at(get('$vbuf'), mul(get('$c'), get('$Tc')))})
            (i32.add ${mul(get('$xi'), get('$us'))} ${at(get('$ubuf'), mul(get('$o'), get('$Tc')))})
            ${at(get('$m'), add(mul(add(mul(get('$xi'), f('C')), get('$c')), get('$Op')), get('$o')))}
            ${bytes(get('$Op'))} (i32.const 1))`;
  const gemms = forRange('$xi', i32(0), i32(16), forRange('$c', i32(0), f('C'), forRange('$o', i32(0), get('$Op'), ukernel, i32(NR)), i32(MR)));
  return `
  ;; bytes between the V (or U) blocks of consecutive ξ for blocks of n floats: whole 4 KiB pages and one cache
  ;; line more, so the transforms' 16 store streams fall in different L1 sets (a 4 KiB multiple, as for 4 tile rows
  ;; of a 56-wide image, made the weight gradient 20% slower)
  (func $xiStride (param $n i32) (result i32)
    (i32.add (i32.and (i32.add (i32.shl (local.get $n) (i32.const 2)) (i32.const 4095)) (i32.const -4096)) (i32.const 64)))

  ;; adds the 16 products M[ξ] [C×Op] of work units [u0, u1) into m (Op = O rounded up to NR); unit u is tile
  ;; rows [th0, th0 + rows) of images [n0, n0 + imgs) (of N), n0 = (u / chunks)·imgs: part of one image (imgs 1)
  ;; or several small whole ones (rows = tH), so the GEMMs stay deep; vbuf holds a chunk's V (16 blocks of
  ;; C·imgs·rows·tW floats), ubuf its U (16 of Op·imgs·rows·tW), each block xiStride apart, pad (2·rows + 2)·(2·tW + 2)
  ;; vectors; C a multiple of 4, O of 4
  (func (export "winogradWeight") (param $g i32) (param $u0 i32) (param $u1 i32) (param $x i32) (param $dy i32) (param $m i32)
      (param $vbuf i32) (param $ubuf i32) (param $pad i32) (param $rows i32) (param $imgs i32) (param $N i32)
    ${locals(['$u', '$n', '$n0', '$n1', '$tBase', '$tH', '$tW', '$Op', '$chunks', '$th0', '$th1', '$Tc', '$c', '$o', '$xi', '$r', '$k', '$ih', '$th', '$tw', '$t', '$p',
      '$src', '$dst', '$wpad', '$rowBytes', '$prows', '$cols', '$plane4', '$vs', '$us', '$L', '$L4', '$ow4', '$row1', '$col0', '$col1',
      ...FIELDS.map((n) => `$${n}`)])}
    ${locals([...range(16).map((k) => `$v${k >> 2}${k & 3}`), ...range(4).flatMap((j) => [`$x${j}`, `$a${j}`, `$t${j}`])], 'v128')}
    ${locals(['$g00', '$g01', '$g10', '$g11'], 'v128')}
    ${FIELDS.map((n) => set(`$${n}`, geo(n))).join(' ')}
    (local.set $tH (i32.shr_u (i32.add ${f('oH')} (i32.const 1)) (i32.const 1)))
    (local.set $tW (i32.shr_u (i32.add ${f('oW')} (i32.const 1)) (i32.const 1)))
    (local.set $Op (i32.and (i32.add ${f('O')} (i32.const ${NR - 1})) (i32.const ${-NR})))
    (local.set $chunks (i32.div_u (i32.sub (i32.add (local.get $tH) (local.get $rows)) (i32.const 1)) (local.get $rows)))
    ;; padded columns 0 .. 2·tW + 1 cover every tile; of them, those from pW on come from x
    (local.set $wpad (i32.add (i32.shl (local.get $tW) (i32.const 1)) (i32.const 2)))
    (local.set $rowBytes (i32.shl (local.get $wpad) (i32.const 4)))
    (local.set $cols (call $min ${f('W')} (i32.sub (local.get $wpad) ${f('pW')})))
    (local.set $plane4 ${bytes(mul(f('H'), f('W')))})
    (local.set $L (i32.mul ${f('oH')} ${f('oW')}))
    (local.set $L4 ${bytes(get('$L'))})
    (local.set $ow4 ${bytes(f('oW'))})
    ${forRange('$u', get('$u0'), get('$u1'), `
      (local.set $n0 (i32.mul (i32.div_u (local.get $u) (local.get $chunks)) (local.get $imgs)))
      (local.set $n1 (call $min (local.get $N) (i32.add (local.get $n0) (local.get $imgs))))
      (local.set $th0 (i32.mul (i32.rem_u (local.get $u) (local.get $chunks)) (local.get $rows)))
      (local.set $th1 (call $min (local.get $tH) (i32.add (local.get $th0) (local.get $rows))))
      (local.set $Tc (i32.mul (i32.mul (i32.sub (local.get $n1) (local.get $n0)) (i32.sub (local.get $th1) (local.get $th0))) (local.get $tW)))
      (local.set $prows (i32.add (i32.shl (i32.sub (local.get $th1) (local.get $th0)) (i32.const 1)) (i32.const 2)))
      (local.set $vs (call $xiStride ${mul(f('C'), get('$Tc'))}))
      (local.set $us (call $xiStride ${mul(get('$Op'), get('$Tc'))}))
      ${inputs}
      ${grads}
      ${gemms}`)})`;
}

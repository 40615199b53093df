/**
 * WebAssembly text for the weight gradient of a 3×3 stride-1 convolution by Winograd's F(3×3, 2×2): each 2×2
 * tile of dY (as the "filter") against the 4×4 input patch under it gives its 3×3 share of dW with 16 multiplies
 * instead of 36. Transposing F(2×2, 3×3) (Lavin & Gray 2016; the forward kernel, tools/wasm/wat/winograd.ts):
 *   dW[o, c] = Gᵀ [ Σ_tiles (A g Aᵀ) ⊙ (Bᵀ d B) ] G     g = 2×2 dY tile of channel o, d = 4×4 input patch of c
 * with the forward's Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1], A = (Aᵀ)ᵀ = [1 0; 1 1; 1 −1; 0 −1] and
 * G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]. The sum over tiles is 16 GEMMs M[ξ] [C×O] += V[ξ] [C×T] · U[ξ] [T×O]; the
 * driver (src/backends/wasm/winograd-weight.ts) applies Gᵀ·M·G once per filter at the end.
 * Tiles go in chunks of whole tile rows, sized so a chunk's V and U stay in L2 between transform and GEMM;
 * tile rows are padded to a multiple of four tiles (tW4), whose extra tiles read zero dY and so add nothing.
 */
import { fieldOffset, type GeometryField } from '../../../src/backends/wasm/conv-layout.js';
import { add, at, forRange, get, i32, locals, mul, set, sub } from './loops.js';

const geo = (f: GeometryField): string => `(i32.load offset=${fieldOffset(f)} (local.get $g))`;
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const bytes = (e: string): string => `(i32.shl ${e} (i32.const 2))`;

/** Bᵀ·v over four vectors. */
const inputStep = (v: string[]): string[] => [
  `(f32x4.sub ${v[0]} ${v[2]})`, `(f32x4.add ${v[1]} ${v[2]})`, `(f32x4.sub ${v[2]} ${v[1]})`, `(f32x4.sub ${v[1]} ${v[3]})`,
];
/** A·v: two vectors to four. */
const gradStep = (v: string[]): string[] => [v[0], `(f32x4.add ${v[0]} ${v[1]})`, `(f32x4.sub ${v[0]} ${v[1]})`, `(f32x4.neg ${v[1]})`];

const EVENS = '0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27';
const ODDS = '4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31';

const FIELDS: GeometryField[] = ['C', 'H', 'W', 'O', 'oH', 'oW', 'pH', 'pW'];
const f = (name: GeometryField): string => get(`$${name}`);

/**
 * V[ξ][c][t..t+3] for four neighbouring tiles of channel c, read from `pad` (the chunk's rows of c, zero-padded,
 * wpad wide): tile q's column j is padded column 2q + j, so the even and odd lanes of two loads give columns
 * j = 0, 1 and of two loads two columns on give j = 2, 3.
 */
function inputTiles(): string {
  const d = (r: number, j: number): string => `$d${r}${j}`;
  const row = (r: number): string => add(get('$src'), mul(i32(4 * r), get('$wpad')));
  const loads = range(4).flatMap((r) => [
    set('$va', `(v128.load ${row(r)})`), set('$vb', `(v128.load offset=16 ${row(r)})`),
    set('$vc', `(v128.load offset=8 ${row(r)})`), set('$vd', `(v128.load offset=24 ${row(r)})`),
    set(d(r, 0), `(i8x16.shuffle ${EVENS} (local.get $va) (local.get $vb))`), set(d(r, 1), `(i8x16.shuffle ${ODDS} (local.get $va) (local.get $vb))`),
    set(d(r, 2), `(i8x16.shuffle ${EVENS} (local.get $vc) (local.get $vd))`), set(d(r, 3), `(i8x16.shuffle ${ODDS} (local.get $vc) (local.get $vd))`),
  ]);
  // along each row first (d·B), in place, then down each column (Bᵀ·): V[i][j]
  const rows = range(4).flatMap((r) => {
    const out = inputStep(range(4).map((j) => get(d(r, j))));
    return [...range(4).map((j) => set(`$e${j}`, out[j])), ...range(4).map((j) => set(d(r, j), get(`$e${j}`)))];
  });
  const stores = range(4).flatMap((j) => inputStep(range(4).map((r) => get(d(r, j))))
    .map((v, i) => `(v128.store ${at(get('$vbuf'), add(mul(add(mul(i32(4 * i + j), f('C')), get('$c')), get('$Tc')), get('$t')))} ${v})`));
  return [...loads, ...rows, ...stores].join('\n            ');
}

/**
 * U[ξ][t][o..o+3] for tile t (outputs oh, ow) and four output channels, each lane gathered from its channel's
 * plane (L apart); dY past the last row or column reads as zero.
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
    return out.map((v, j) => `(v128.store ${at(get('$ubuf'), add(mul(add(mul(i32(4 * i + j), get('$Tc')), get('$t')), f('O')), get('$o')))} ${v})`);
  });
  return [...sets, ...stores].join('\n              ');
}

export function winogradWeightWat(): string {
  const padRows = `
        (memory.fill (local.get $pad) (i32.const 0) ${bytes(mul(get('$prows'), get('$wpad')))})
        ${forRange('$r', i32(0), get('$prows'), `
          (local.set $ih ${sub(add(mul(get('$th0'), i32(2)), get('$r')), f('pH'))})
          (if (i32.and (i32.gt_s (local.get $cols) (i32.const 0)) (i32.and (i32.ge_s (local.get $ih) (i32.const 0)) (i32.lt_s (local.get $ih) ${f('H')}))) (then
            (call $copyRun ${at(get('$pad'), add(mul(get('$r'), get('$wpad')), f('pW')))}
              ${at(get('$x'), mul(add(mul(add(mul(get('$n'), f('C')), get('$c')), f('H')), get('$ih')), f('W')))} (local.get $cols) (i32.const 1))))`)}`;
  const inputs = forRange('$c', i32(0), f('C'), `
        ${padRows}
        ${forRange('$th', get('$th0'), get('$th1'), forRange('$tw', i32(0), get('$tW4'), `
            (local.set $src ${at(get('$pad'), add(mul(sub(get('$th'), get('$th0')), i32(2), get('$wpad')), mul(get('$tw'), i32(2))))})
            (local.set $t ${add(mul(sub(get('$th'), get('$th0')), get('$tW4')), get('$tw'))})
            ${inputTiles()}`, i32(4)))}`);
  const grads = forRange('$th', get('$th0'), get('$th1'), forRange('$tw', i32(0), get('$tW4'), `
        (local.set $t ${add(mul(sub(get('$th'), get('$th0')), get('$tW4')), get('$tw'))})
        (local.set $row1 (i32.lt_s ${add(mul(get('$th'), i32(2)), i32(1))} ${f('oH')}))
        (local.set $col0 (i32.lt_s ${mul(get('$tw'), i32(2))} ${f('oW')}))
        (local.set $col1 (i32.lt_s ${add(mul(get('$tw'), i32(2)), i32(1))} ${f('oW')}))
        ${forRange('$o', i32(0), f('O'), `
          (local.set $p ${at(get('$dy'), add(mul(add(mul(get('$n'), f('O')), get('$o')), get('$L')), mul(get('$th'), i32(2), f('oW')), mul(get('$tw'), i32(2))))})
          ${gradTile()}`, i32(4))}`));
  const gemms = range(16).map((xi) => `
      (call $gemm ${f('C')} ${f('O')} (local.get $Tc)
        ${at(get('$vbuf'), mul(i32(xi), f('C'), get('$Tc')))} (local.get $Tc) (i32.const 1)
        ${at(get('$ubuf'), mul(i32(xi), get('$Tc'), f('O')))} ${f('O')} (i32.const 1)
        ${at(get('$m'), mul(i32(xi), f('C'), f('O')))} ${f('O')} (i32.const 1) (local.get $work))`);
  return `
  ;; adds the 16 products M[ξ] [C×O] of work units [u0, u1) into m; unit u is tile rows [th0, th0 + rows) of
  ;; image u / chunks; vbuf and ubuf hold one chunk's V and U, pad (2·rows + 2)·wpad floats
  (func (export "winogradWeight") (param $g i32) (param $u0 i32) (param $u1 i32) (param $x i32) (param $dy i32) (param $m i32)
      (param $vbuf i32) (param $ubuf i32) (param $pad i32) (param $work i32) (param $rows i32) (param $tW4 i32)
    ${locals(['$u', '$n', '$tH', '$chunks', '$th0', '$th1', '$Tc', '$c', '$o', '$r', '$ih', '$th', '$tw', '$t', '$p', '$src',
      '$wpad', '$prows', '$cols', '$L', '$L4', '$ow4', '$row1', '$col0', '$col1', ...FIELDS.map((n) => `$${n}`)])}
    (local $va v128) (local $vb v128) (local $vc v128) (local $vd v128)
    ${locals(range(16).map((k) => `$d${Math.floor(k / 4)}${k % 4}`), 'v128')} ${locals(range(4).map((j) => `$e${j}`), 'v128')}
    ${locals(['$g00', '$g01', '$g10', '$g11'], 'v128')}
    ${FIELDS.map((n) => set(`$${n}`, geo(n))).join(' ')}
    (local.set $tH (i32.shr_u (i32.add ${f('oH')} (i32.const 1)) (i32.const 1)))
    (local.set $chunks (i32.div_u (i32.sub (i32.add (local.get $tH) (local.get $rows)) (i32.const 1)) (local.get $rows)))
    (local.set $wpad (i32.add (i32.shl (local.get $tW4) (i32.const 1)) (i32.const 8)))
    (local.set $cols (call $min ${f('W')} (i32.sub (local.get $wpad) ${f('pW')})))
    (local.set $L (i32.mul ${f('oH')} ${f('oW')}))
    (local.set $L4 ${bytes(get('$L'))})
    (local.set $ow4 ${bytes(f('oW'))})
    ${forRange('$u', get('$u0'), get('$u1'), `
      (local.set $n (i32.div_u (local.get $u) (local.get $chunks)))
      (local.set $th0 (i32.mul (i32.rem_u (local.get $u) (local.get $chunks)) (local.get $rows)))
      (local.set $th1 (call $min (local.get $tH) (i32.add (local.get $th0) (local.get $rows))))
      (local.set $Tc (i32.mul (i32.sub (local.get $th1) (local.get $th0)) (local.get $tW4)))
      (local.set $prows (i32.add (i32.shl (i32.sub (local.get $th1) (local.get $th0)) (i32.const 1)) (i32.const 2)))
      ${inputs}
      ${grads}
      ${gemms.join('')}`)})`;
}

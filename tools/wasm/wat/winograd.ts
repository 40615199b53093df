/**
 * WebAssembly text for Winograd's F(2×2, 3×3) (Lavin & Gray 2016): a 3×3 stride-1 convolution computes each
 * 2×2 output tile from a 4×4 input tile with 16 multiplies per channel pair instead of 36. Per 4×4 input tile d
 * and 3×3 filter g:  Y = Aᵀ [ (G g Gᵀ) ⊙ (Bᵀ d B) ] A, with
 *   Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1],  G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1],  Aᵀ = [1 1 1 0; 0 1 −1 −1].
 * The sum over input channels of the ⊙ products is 16 independent GEMMs, U[ξ] [O×C] · V[ξ] [C×T] (T tiles),
 * which run on the SIMD GEMM; this file holds the two transforms around them. The filter transform is done
 * in JavaScript (src/backends/wasm/winograd.ts): it touches only the weights.
 */
import { fieldOffset, type GeometryField } from '../../../src/backends/wasm/conv-layout.js';
import { add, at, forRange, get, i32, locals, mul, sub } from './loops.js';

const geo = (f: GeometryField): string => `(i32.load offset=${fieldOffset(f)} (local.get $g))`;
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** Bᵀ·v for a column (or row) of four values: the input transform's 1-D step. */
const inputStep = (v: string[]): string[] => [
  `(f32.sub ${v[0]} ${v[2]})`, `(f32.add ${v[1]} ${v[2]})`, `(f32.sub ${v[2]} ${v[1]})`, `(f32.sub ${v[1]} ${v[3]})`,
];
/** Aᵀ·v: the output transform's 1-D step, four values to two. */
const outputStep = (v: string[]): string[] => [`(f32.add (f32.add ${v[0]} ${v[1]}) ${v[2]})`, `(f32.sub (f32.sub ${v[1]} ${v[2]}) ${v[3]})`];

/**
 * V[ξ][c][t] = (Bᵀ d B)[ξ] for channels [c0, c1) of all `batch` images; tile t = (n·tH + th)·tW + tw reads the
 * input at rows 2·th − pH ... + 3 and columns 2·tw − pW ... + 3, zero outside the image.
 */
function inputTransform(): string {
  const d = (r: number, c: number): string => `$d${r}${c}`;
  const load = range(16).map((k) => {
    const [r, c] = [Math.floor(k / 4), k % 4];
    const ih = add(get('$ih0'), i32(r));
    const iw = add(get('$iw0'), i32(c));
    return `(local.set ${d(r, c)} (if (result f32) (i32.and (i32.lt_u ${ih} (local.get $H)) (i32.lt_u ${iw} (local.get $W)))
      (then (f32.load ${at(get('$plane'), add(mul(ih, get('$W')), iw))})) (else (f32.const 0))))`;
  });
  // rows first: t = Bᵀ d, kept as expressions over the loaded locals; then columns: V = t B
  const cols = range(4).map((c) => inputStep(range(4).map((r) => `(local.get ${d(r, c)})`)));
  const t = (r: number, c: number): string => cols[c][r];
  const store = range(4).flatMap((r) => {
    const row = inputStep(range(4).map((c) => `$t${r}${c}`).map((n) => `(local.get ${n})`));
    return [
      ...range(4).map((c) => `(local.set $t${r}${c} ${t(r, c)})`),
      ...row.map((v, c) => `(f32.store ${at(get('$v'), add(mul(i32(4 * r + c), get('$stride')), get('$at')))} ${v})`),
    ];
  });
  return `
  (func (export "winogradInput") (param $g i32) (param $x i32) (param $v i32) (param $batch i32) (param $c0 i32) (param $c1 i32)
    ${locals(['$H', '$W', '$tH', '$tW', '$T', '$n', '$c', '$th', '$tw', '$ih0', '$iw0', '$plane', '$at', '$stride'])}
    ${locals(range(16).map((k) => d(Math.floor(k / 4), k % 4)), 'f32')} ${locals(range(16).map((k) => `$t${Math.floor(k / 4)}${k % 4}`), 'f32')}
    (local.set $H ${geo('H')}) (local.set $W ${geo('W')})
    (local.set $tH (i32.shr_u (i32.add ${geo('oH')} (i32.const 1)) (i32.const 1)))
    (local.set $tW (i32.shr_u (i32.add ${geo('oW')} (i32.const 1)) (i32.const 1)))
    (local.set $T ${mul(get('$batch'), get('$tH'), get('$tW'))})
    ;; V[ξ] blocks are C·T apart
    (local.set $stride ${mul(geo('C'), get('$T'))})
    ${forRange('$c', get('$c0'), get('$c1'), forRange('$n', i32(0), get('$batch'), `
      (local.set $plane ${at(get('$x'), mul(add(mul(get('$n'), geo('C')), get('$c')), get('$H'), get('$W')))})
      (local.set $at ${add(mul(get('$c'), get('$T')), mul(get('$n'), get('$tH'), get('$tW')))})
      ${forRange('$th', i32(0), get('$tH'), `
        (local.set $ih0 ${sub(mul(get('$th'), i32(2)), geo('pH'))})
        ${forRange('$tw', i32(0), get('$tW'), `
          (local.set $iw0 ${sub(mul(get('$tw'), i32(2)), geo('pW'))})
          ${load.join('\n          ')}
          ${store.join('\n          ')}
          (local.set $at (i32.add (local.get $at) (i32.const 1)))`)}`)}`))})`;
}

/** y[n][o] 2×2 tiles = Aᵀ M[·][o][t] A + bias[o], for output channels [o0, o1); M[ξ] blocks are O·T apart. */
function outputTransform(): string {
  const m = (k: number): string => `(f32.load ${at(get('$m'), add(mul(i32(k), get('$stride')), get('$at')))})`;
  const rows = range(4).map((c) => outputStep(range(4).map((r) => m(4 * r + c)))); // Aᵀ M per column c
  const tmpSet = range(2).flatMap((r) => range(4).map((c) => `(local.set $s${r}${c} ${rows[c][r]})`));
  const outs = range(2).map((r) => outputStep(range(4).map((c) => `(local.get $s${r}${c})`)));
  const store = (r: number, c: number): string => `
          (if (i32.and (i32.lt_u ${add(get('$oh'), i32(r))} (local.get $oH)) (i32.lt_u ${add(get('$ow'), i32(c))} (local.get $oW)))
            (then (f32.store ${at(get('$plane'), add(mul(add(get('$oh'), i32(r)), get('$oW')), get('$ow'), i32(c)))} (f32.add ${outs[r][c]} (local.get $b)))))`;
  return `
  (func (export "winogradOutput") (param $g i32) (param $m i32) (param $y i32) (param $bias i32) (param $batch i32) (param $o0 i32) (param $o1 i32)
    ${locals(['$oH', '$oW', '$tH', '$tW', '$T', '$n', '$o', '$th', '$tw', '$oh', '$ow', '$plane', '$at', '$stride'])}
    ${locals(range(8).map((k) => `$s${Math.floor(k / 4)}${k % 4}`), 'f32')} (local $b f32)
    (local.set $oH ${geo('oH')}) (local.set $oW ${geo('oW')})
    (local.set $tH (i32.shr_u (i32.add (local.get $oH) (i32.const 1)) (i32.const 1)))
    (local.set $tW (i32.shr_u (i32.add (local.get $oW) (i32.const 1)) (i32.const 1)))
    (local.set $T ${mul(get('$batch'), get('$tH'), get('$tW'))})
    (local.set $stride ${mul(geo('O'), get('$T'))})
    ${forRange('$o', get('$o0'), get('$o1'), `
      (local.set $b (if (result f32) (local.get $bias) (then (f32.load ${at(get('$bias'), get('$o'))})) (else (f32.const 0))))
      ${forRange('$n', i32(0), get('$batch'), `
        (local.set $plane ${at(get('$y'), mul(add(mul(get('$n'), geo('O')), get('$o')), get('$oH'), get('$oW')))})
        (local.set $at ${add(mul(get('$o'), get('$T')), mul(get('$n'), get('$tH'), get('$tW')))})
        ${forRange('$th', i32(0), get('$tH'), `
          (local.set $oh (i32.shl (local.get $th) (i32.const 1)))
          ${forRange('$tw', i32(0), get('$tW'), `
            (local.set $ow (i32.shl (local.get $tw) (i32.const 1)))
            ${tmpSet.join('\n            ')}
            ${store(0, 0)} ${store(0, 1)} ${store(1, 0)} ${store(1, 1)}
            (local.set $at (i32.add (local.get $at) (i32.const 1)))`)}`)}`)}`)})`;
}

export function winogradWat(): string {
  return [inputTransform(), outputTransform()].join('\n');
}

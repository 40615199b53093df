/**
 * WebAssembly text for the direct weight gradient of a 2-D convolution with unit stride and dilation along the
 * width (LeNet's 5×5 layers, 3×3 same-padding layers):
 *   dW[o, c, kh, kw] = Σ_n Σ_oh Σ_ow dY[n, o, oh, ow] · xpad[n, c, oh·sH + kh·dH, ow + kw]
 * Neither im2col nor GEMM packing: each f32x4 holds four neighbouring output positions, so for one (c, kh) the
 * kW taps are kW unaligned loads of the same zero-padded input row at offsets 0..kW−1, and a tile of a few
 * output channels × kW taps keeps its sums in registers over a chunk of rows. Those sums stay 4 lanes wide in
 * a scratch dW4 [O][C][kH][kW][4] that the driver (src/backends/wasm/conv-weight.ts) reduces at the end.
 */
import { fieldOffset, type GeometryField } from '../../../src/backends/wasm/conv-layout.js';
import { DIRECT_MAX_KW, directTileRows } from '../../../src/backends/wasm/conv-weight-shape.js';
import { madd } from './gemm.js';
import { add, at, forRange, get, i32, locals, mul, set, sub } from './loops.js';

const geo = (f: GeometryField): string => `(i32.load offset=${fieldOffset(f)} (local.get $g))`;
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/**
 * The micro-kernel for kernel width kW: `rows` output rows of `ob` output channels (channels ds bytes apart) in
 * each of `images` images, against one input row per output row (xs bytes apart, xJump more between images),
 * added into dW4 at `out` (channels os bytes apart). A channel's dY rows run on from one image to the next.
 * A partial last vector of each row is masked to zero in both operands, so input beyond the row never counts,
 * not even an infinity (0·∞ would be NaN).
 */
function tile(kW: number, fma: boolean): string {
  const ob = directTileRows(kW);
  const acc = (b: number, k: number): string => `$a${b}_${k}`;
  const body = (masked: boolean): string => {
    const mask = (v: string): string => (masked ? `(v128.and ${v} (local.get $mask))` : v);
    const dys = range(ob).map((b) => set(`$d${b}`, mask(`(v128.load (i32.add (local.get $p${b}) (local.get $i)))`)));
    const taps = range(kW).flatMap((k) => [
      set('$xv', mask(`(v128.load offset=${4 * k} (i32.add (local.get $x) (local.get $i)))`)),
      ...range(ob).map((b) => set(acc(b, k), madd(fma, get(`$d${b}`), get('$xv'), get(acc(b, k))))),
    ]);
    return [...dys, ...taps].join('\n        ');
  };
  const flush = range(ob).flatMap((b) => range(kW).map((k) =>
    `(v128.store offset=${16 * k} (local.get $out) (f32x4.add (v128.load offset=${16 * k} (local.get $out)) (local.get ${acc(b, k)})))`)
    .concat(set('$out', add(get('$out'), get('$os')))));
  return `
  (func $dwTile${kW} (param $dy i32) (param $ds i32) (param $x i32) (param $xs i32) (param $rows i32) (param $oW i32)
                     (param $out i32) (param $os i32) (param $images i32) (param $xJump i32)
    (local $i i32) (local $r i32) (local $full i32) (local $step i32) (local $mask v128) (local $xv v128)
    ${locals(range(ob).map((b) => `$p${b}`))} ${locals(range(ob).map((b) => `$d${b}`), 'v128')}
    ${locals(range(ob).flatMap((b) => range(kW).map((k) => acc(b, k))), 'v128')}
    ${range(ob).map((b) => set(`$p${b}`, add(get('$dy'), mul(get('$ds'), i32(b))))).join(' ')}
    (local.set $full (i32.shl (i32.and (local.get $oW) (i32.const -4)) (i32.const 2)))
    (local.set $step (i32.shl (local.get $oW) (i32.const 2)))
    (local.set $mask (i32x4.lt_s (v128.const i32x4 0 1 2 3) (i32x4.splat (i32.and (local.get $oW) (i32.const 3)))))
    (loop $image
      (local.set $r (local.get $rows))
      (loop $row
        (local.set $i (i32.const 0))
        (block $whole (loop $vec
          (br_if $whole (i32.ge_u (local.get $i) (local.get $full)))
          ${body(false)}
          (local.set $i (i32.add (local.get $i) (i32.const 16)))
          (br $vec)))
        (if (i32.and (local.get $oW) (i32.const 3)) (then
          ${body(true)}))
        ${range(ob).map((b) => set(`$p${b}`, add(get(`$p${b}`), get('$step')))).join(' ')}
        (local.set $x (i32.add (local.get $x) (local.get $xs)))
        (br_if $row (local.tee $r (i32.sub (local.get $r) (i32.const 1)))))
      (local.set $x (i32.add (local.get $x) (local.get $xJump)))
      (br_if $image (local.tee $images (i32.sub (local.get $images) (i32.const 1)))))
    ${flush.join('\n    ')})`;
}

const FIELDS: GeometryField[] = ['C', 'H', 'W', 'O', 'oH', 'oW', 'kH', 'kW', 'sH', 'dH', 'pH', 'pW'];
const f = (name: GeometryField): string => get(`$${name}`);
const bytes = (e: string): string => `(i32.shl ${e} (i32.const 2))`;

/**
 * Copies images [n, n + count) into `pad` channel-major, [C][count][hp][wp]: each channel zero-padded, columns
 * past the last window left zero. Channel-major keeps one channel's images together; image-major put them
 * C·hp·wp apart, often a multiple of 4 KiB, and the tile's rows then fought over the same L1 sets (3× slower
 * on 4×4 images, measured).
 */
const padImages = `
      (memory.fill (local.get $pad) (i32.const 0) ${bytes(mul(get('$count'), f('C'), get('$plane')))})
      (local.set $rowsIn (call $min ${f('H')} (i32.sub (local.get $hp) ${f('pH')})))
      (local.set $colsIn (call $min ${f('W')} (i32.sub ${add(f('oW'), f('kW'))} ${add(f('pW'), i32(1))})))
      (if (i32.gt_s (local.get $colsIn) (i32.const 0)) (then
        ${forRange('$i', i32(0), get('$count'), forRange('$c', i32(0), f('C'), forRange('$ih', i32(0), get('$rowsIn'), `
          (call $copyRun ${at(get('$pad'), add(mul(add(mul(add(mul(get('$c'), get('$count')), get('$i')), get('$hp')), get('$ih'), f('pH')), get('$wp')), f('pW')))}
            ${at(get('$x'), mul(add(mul(add(mul(add(get('$n'), get('$i')), f('C')), get('$c')), f('H')), get('$ih')), f('W')))} (local.get $colsIn) (i32.const 1))`)))}))`;

/**
 * dY of output channels [o, o + ob) of images [n, n + count), channel rows ds bytes apart. One image with a full
 * block reads dY in place; otherwise the block is copied into dyPad as [ob][count][L], so a channel's images
 * are contiguous (no 4 KiB aliasing, as for the input). Channels past O are left as they are: they only feed
 * dW4 rows past O, which nothing reads.
 */
const outputBlock = `
        (local.set $src ${at(get('$dy'), mul(add(mul(get('$n'), f('O')), get('$o')), get('$L')))})
        (local.set $ds ${bytes(get('$L'))})
        (if (i32.or (i32.gt_s (local.get $count) (i32.const 1)) (i32.gt_s (i32.add (local.get $o) (local.get $ob)) ${f('O')})) (then
          ${forRange('$b', i32(0), `(call $min (local.get $ob) (i32.sub ${f('O')} (local.get $o)))`, forRange('$i', i32(0), get('$count'), `
            (memory.copy ${at(get('$dyPad'), mul(add(mul(get('$b'), get('$count')), get('$i')), get('$L')))}
              ${at(get('$src'), mul(add(mul(get('$i'), f('O')), get('$b')), get('$L')))} ${bytes(get('$L'))})`))}
          (local.set $src (local.get $dyPad))
          (local.set $ds ${bytes(mul(get('$count'), get('$L')))})))`;

function driver(): string {
  const args = `${at(get('$src'), mul(get('$oh0'), f('oW')))} (local.get $ds)
              ${at(get('$pad'), mul(add(mul(get('$c'), get('$count'), get('$hp')), mul(get('$oh0'), f('sH')), mul(get('$kh'), f('dH'))), get('$wp')))}
              (local.get $xs) (local.get $rows) ${f('oW')}
              ${at(get('$dw4'), mul(i32(4), add(mul(add(mul(get('$o'), f('C')), get('$c')), f('kH')), get('$kh')), f('kW')))} (local.get $os)
              (local.get $count) (i32.sub ${bytes(get('$plane'))} (i32.mul (local.get $rows) (local.get $xs)))`;
  const dispatch = range(DIRECT_MAX_KW).map((k) => `(if (i32.eq ${f('kW')} (i32.const ${k + 1})) (then (call $dwTile${k + 1} ${args})))`);
  const taps = forRange('$c', i32(0), f('C'), forRange('$kh', i32(0), f('kH'), dispatch.join('\n            ')));
  return `
  ;; images [n0, n1), group at a time, and output channels [o0, o1) (o0 a multiple of ob, the tile height for
  ;; this kW) added into dW4; pad holds group zero-padded images, dyPad group·ob·L + 4 floats; each tile call
  ;; covers chunk output rows of one image or, when group > 1 (then chunk >= oH), every row of group images
  (func (export "convBackwardWeightDirect") (param $g i32) (param $n0 i32) (param $n1 i32) (param $o0 i32) (param $o1 i32)
      (param $x i32) (param $dy i32) (param $dw4 i32) (param $pad i32) (param $dyPad i32) (param $ob i32) (param $chunk i32)
      (param $group i32)
    ${locals(['$n', '$count', '$i', '$b', '$o', '$c', '$kh', '$ih', '$oh0', '$rows', '$L', '$hp', '$wp', '$plane', '$xs', '$os', '$src', '$ds',
      '$rowsIn', '$colsIn', ...FIELDS.map((n) => `$${n}`)])}
    ${FIELDS.map((n) => set(`$${n}`, geo(n))).join(' ')}
    (local.set $L (i32.mul ${f('oH')} ${f('oW')}))
    ;; the padded plane spans every row a window touches, and whole vectors of columns plus kW − 1
    (local.set $hp ${add(mul(sub(f('oH'), i32(1)), f('sH')), mul(sub(f('kH'), i32(1)), f('dH')), i32(1))})
    (local.set $wp ${add(`(i32.and ${add(f('oW'), i32(3))} (i32.const -4))`, sub(f('kW'), i32(1)))})
    (local.set $plane (i32.mul (local.get $hp) (local.get $wp)))
    (local.set $xs ${bytes(mul(f('sH'), get('$wp')))})
    (local.set $os (i32.shl ${mul(f('C'), f('kH'), f('kW'))} (i32.const 4)))
    ${forRange('$n', get('$n0'), get('$n1'), `
      (local.set $count (call $min (local.get $group) (i32.sub (local.get $n1) (local.get $n))))
      ${padImages}
      ${forRange('$o', get('$o0'), get('$o1'), `
        ${outputBlock}
        ${forRange('$oh0', i32(0), f('oH'), `
          (local.set $rows (call $min (local.get $chunk) (i32.sub ${f('oH')} (local.get $oh0))))
          ${taps}`, get('$chunk'))}`, get('$ob'))}`, get('$group'))})`;
}

export function convWeightWat(fma: boolean): string {
  return [...range(DIRECT_MAX_KW).map((k) => tile(k + 1, fma)), driver()].join('\n');
}

/**
 * WebAssembly text for convolution as matrix products (the reference backend's derivation, per image and group):
 *   forward          Y = W·X̂ + b          X̂ = im2col(x) [C·K, L]; the bias is written first and the GEMM adds onto it
 *   input gradient   dX̂ = Wᵀ·dY, col2im   Wᵀ is W read with swapped strides: the GEMM's packing transposes for free
 *   weight gradient  dW += dY·X̂ᵀ          accumulated over the images a thread owns
 * A pointwise convolution (1×1, stride 1, no padding) reads the image itself as X̂. The `*Images` kernels handle
 * a range of images so threads can split a batch; `im2col`/`col2im` take a channel range so threads can split
 * one image. The depthwise kernel works directly on a zero-padded copy of each plane, four outputs per vector.
 */
import { fieldOffset, type GeometryField } from '../../../src/backends/wasm/conv-layout.js';
import { madd } from './gemm.js';
import { add, at, forRange, get, i32, locals, mul, set, sub } from './loops.js';

const geo = (f: GeometryField): string => `(i32.load offset=${fieldOffset(f)} (local.get $g))`;

/** Whether the last output's last tap along dim `d` (D, H or W) lies inside the unpadded input. */
const lastTapInside = (d: 'D' | 'H' | 'W'): string =>
  `(i32.lt_s ${add(mul(sub(geo(`o${d}`), i32(1)), geo(`s${d}`)), mul(sub(geo(`k${d}`), i32(1)), geo(`d${d}`)))} ${geo(d)})`;

/** Run copies and adds: contiguous runs go through memory.copy or f32x4, strided ones element by element. */
const runs = `
  (func $copyRun (param $dst i32) (param $src i32) (param $n i32) (param $step i32) (local $last i32)
    ;; long contiguous runs go through memory.copy; short ones (small images) are cheaper as vector moves, the
    ;; last one ending at the run's end (overlapping the one before) instead of an element loop for the rest
    (if (i32.and (i32.eq (local.get $step) (i32.const 1)) (i32.ge_s (local.get $n) (i32.const 4))) (then
      (if (i32.ge_s (local.get $n) (i32.const 64))
        (then (memory.copy (local.get $dst) (local.get $src) (i32.shl (local.get $n) (i32.const 2))) (return)))
      (local.set $last (i32.shl (i32.sub (local.get $n) (i32.const 4)) (i32.const 2)))
      (v128.store ${add(get('$dst'), get('$last'))} (v128.load ${add(get('$src'), get('$last'))}))
      (block $done (loop $vec
        (br_if $done (i32.le_s (local.get $n) (i32.const 4)))
        (v128.store (local.get $dst) (v128.load (local.get $src)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $n (i32.sub (local.get $n) (i32.const 4)))
        (br $vec)))
      (return)))
    (local.set $step (i32.shl (local.get $step) (i32.const 2)))
    (block $done (loop $each
      (br_if $done (i32.le_s (local.get $n) (i32.const 0)))
      (f32.store (local.get $dst) (f32.load (local.get $src)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
      (local.set $src (i32.add (local.get $src) (local.get $step)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $each))))

  ;; dst[j·step] += src[j]
  (func $addRun (param $dst i32) (param $src i32) (param $n i32) (param $step i32)
    (if (i32.eq (local.get $step) (i32.const 1))
      (then (block $done (loop $vec
        (br_if $done (i32.lt_s (local.get $n) (i32.const 4)))
        (v128.store (local.get $dst) (f32x4.add (v128.load (local.get $dst)) (v128.load (local.get $src))))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $n (i32.sub (local.get $n) (i32.const 4)))
        (br $vec)))))
    (local.set $step (i32.shl (local.get $step) (i32.const 2)))
    (block $done (loop $each
      (br_if $done (i32.le_s (local.get $n) (i32.const 0)))
      (f32.store (local.get $dst) (f32.add (f32.load (local.get $dst)) (f32.load (local.get $src))))
      (local.set $dst (i32.add (local.get $dst) (local.get $step)))
      (local.set $src (i32.add (local.get $src) (i32.const 4)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $each))))

  ;; 1 when no padding comes before the input and every window's last tap is inside it along each dim
  (func $windowsInside (param $g i32) (result i32)
    (i32.and (i32.eqz (i32.or (i32.or ${geo('pD')} ${geo('pH')}) ${geo('pW')}))
      (i32.and (i32.and ${lastTapInside('D')} ${lastTapInside('H')}) ${lastTapInside('W')})))

  ;; the first output whose tap (offset shift = k·dilation − pad) lands at or after input 0
  (func $firstInside (param $shift i32) (param $s i32) (result i32)
    (if (result i32) (i32.ge_s (local.get $shift) (i32.const 0))
      (then (i32.const 0))
      (else (i32.div_u (i32.add (i32.sub (i32.const 0) (local.get $shift)) (i32.sub (local.get $s) (i32.const 1))) (local.get $s)))))

  ;; one past the last output whose tap lands before input n, at most out
  (func $endInside (param $n i32) (param $shift i32) (param $s i32) (param $out i32) (result i32)
    (local $t i32)
    (local.set $t (i32.sub (i32.sub (local.get $n) (i32.const 1)) (local.get $shift)))
    (if (result i32) (i32.lt_s (local.get $t) (i32.const 0))
      (then (i32.const 0))
      (else (call $min (local.get $out) (i32.add (i32.div_u (local.get $t) (local.get $s)) (i32.const 1))))))`;

const RUN_FIELDS: GeometryField[] = ['D', 'H', 'W', 'oD', 'oH', 'oW', 'kD', 'kH', 'kW', 'sD', 'sH', 'sW', 'dD', 'dH', 'dW', 'pD', 'pH', 'pW'];
/** A geometry field from the local loadRunFields put it in. */
const fld = (f: GeometryField): string => get(`$${f}`);

/**
 * Visits the runs of im2col for channels [c0, c1) of one image, as the reference backend's forEachRun: row
 * r = ((c·kD + kd)·kH + kh)·kW + kw of X̂ holds at column (od·oH + oh)·oW + ow the input
 * x[c, od·sD − pD + kd·dD, ...]; rows of X̂ are $ld elements apart (L, or more when several images' X̂ sit
 * side by side). `visit` gets (column address, input address, count, input step).
 */
function forEachRun(visit: (col: string, xi: string, count: string, step: string) => string): string {
  const shift = (k: string, d: GeometryField, p: GeometryField): string => sub(mul(get(k), fld(d)), fld(p));
  const inner = forRange('$oh', get('$h0'), get('$h1'), `
    (local.set $ih ${add(sub(mul(get('$oh'), fld('sH')), fld('pH')), mul(get('$kh'), fld('dH')))})
    ${visit(
      at(get('$cols'), add(mul(get('$row'), get('$ld')), mul(add(mul(get('$od'), fld('oH')), get('$oh')), fld('oW')), get('$w0'))),
      at(get('$x'), add(mul(add(mul(add(mul(get('$c'), fld('D')), get('$id')), fld('H')), get('$ih')), fld('W')), get('$iw0'))),
      sub(get('$w1'), get('$w0')),
      fld('sW'),
    )}`);
  return `
    ${loadRunFields}
    (local.set $L ${mul(fld('oD'), fld('oH'), fld('oW'))})
    (local.set $row ${mul(get('$c0'), fld('kD'), fld('kH'), fld('kW'))})
    ${forRange('$c', get('$c0'), get('$c1'), forRange('$kd', i32(0), fld('kD'), `
      (local.set $d0 (call $firstInside ${shift('$kd', 'dD', 'pD')} ${fld('sD')}))
      (local.set $d1 (call $endInside ${fld('D')} ${shift('$kd', 'dD', 'pD')} ${fld('sD')} ${fld('oD')}))
      ${forRange('$kh', i32(0), fld('kH'), `
        (local.set $h0 (call $firstInside ${shift('$kh', 'dH', 'pH')} ${fld('sH')}))
        (local.set $h1 (call $endInside ${fld('H')} ${shift('$kh', 'dH', 'pH')} ${fld('sH')} ${fld('oH')}))
        ${forRange('$kw', i32(0), fld('kW'), `
          (local.set $w0 (call $firstInside ${shift('$kw', 'dW', 'pW')} ${fld('sW')}))
          (local.set $w1 (call $endInside ${fld('W')} ${shift('$kw', 'dW', 'pW')} ${fld('sW')} ${fld('oW')}))
          (if (i32.gt_s (local.get $w1) (local.get $w0)) (then
            (local.set $iw0 ${add(sub(mul(get('$w0'), fld('sW')), fld('pW')), mul(get('$kw'), fld('dW')))})
            ${forRange('$od', get('$d0'), get('$d1'), `
              (local.set $id ${add(sub(mul(get('$od'), fld('sD')), fld('pD')), mul(get('$kd'), fld('dD')))})
              ${inner}`)}))
          (local.set $row (i32.add (local.get $row) (i32.const 1)))`)}`)}`))}`;
}

const RUN_LOCALS = locals(['$L', '$row', '$c', '$kd', '$kh', '$kw', '$d0', '$d1', '$h0', '$h1', '$w0', '$w1', '$od', '$oh', '$id', '$ih', '$iw0',
  ...RUN_FIELDS.map((n) => `$${n}`)]);
/** Loads the geometry into locals: V8 does not hoist memory loads out of the run loops, and small images have many runs. */
const loadRunFields = RUN_FIELDS.map((n) => set(`$${n}`, geo(n))).join(' ');
const planeIn = mul(geo('D'), geo('H'), geo('W'));
const kernelVolume = mul(geo('kD'), geo('kH'), geo('kW'));

const im2col = `
  ;; X̂ rows of channels [c0, c1) of the image at x, rows ld apart; padding reads as zero
  (func $im2col (export "im2col") (param $g i32) (param $x i32) (param $cols i32) (param $c0 i32) (param $c1 i32) (param $ld i32)
    ${RUN_LOCALS} (local $r i32) (local $r1 i32)
    (local.set $L ${mul(geo('oD'), geo('oH'), geo('oW'))})
    (local.set $r1 ${mul(get('$c1'), kernelVolume)})
    ;; zeros only where some window reaches into the padding: otherwise the runs write every entry
    (if (i32.eqz (call $windowsInside (local.get $g))) (then
      ${forRange('$r', mul(get('$c0'), kernelVolume), get('$r1'),
        `(memory.fill ${at(get('$cols'), mul(get('$r'), get('$ld')))} (i32.const 0) (i32.shl (local.get $L) (i32.const 2)))`)}))
    ${forEachRun((col, xi, count, step) => `(call $copyRun ${col} ${xi} ${count} ${step})`)})

  ;; the adjoint: channels [c0, c1) of the image at x become the sum of the X̂ entries that read them
  (func $col2im (export "col2im") (param $g i32) (param $cols i32) (param $x i32) (param $c0 i32) (param $c1 i32) (param $ld i32)
    ${RUN_LOCALS}
    (memory.fill ${at(get('$x'), mul(get('$c0'), planeIn))} (i32.const 0) (i32.shl ${mul(sub(get('$c1'), get('$c0')), planeIn)} (i32.const 2)))
    ${forEachRun((col, xi, count, step) => `(call $addRun ${xi} ${col} ${count} ${step})`)})

  ;; dst[(j·a + i)·len ...] = src[(i·b + j)·len ...] (+ bias[i]): [a][b][len] blocks to [b][a][len]
  (func $swapBlocks (param $src i32) (param $dst i32) (param $a i32) (param $b i32) (param $len i32) (param $bias i32)
    ${locals(['$i', '$j', '$k', '$from', '$to'])} (local $v v128) (local $s f32)
    ${forRange('$i', i32(0), get('$a'), `
      (local.set $s (if (result f32) (local.get $bias) (then (f32.load ${at(get('$bias'), get('$i'))})) (else (f32.const 0))))
      (local.set $v (f32x4.splat (local.get $s)))
      ${forRange('$j', i32(0), get('$b'), `
        (local.set $from ${at(get('$src'), mul(add(mul(get('$i'), get('$b')), get('$j')), get('$len')))})
        (local.set $to ${at(get('$dst'), mul(add(mul(get('$j'), get('$a')), get('$i')), get('$len')))})
        (local.set $k (i32.const 0))
        (block $done (loop $vec
          (br_if $done (i32.gt_s (i32.add (local.get $k) (i32.const 4)) (local.get $len)))
          (v128.store ${at(get('$to'), get('$k'))} (f32x4.add (v128.load ${at(get('$from'), get('$k'))}) (local.get $v)))
          (local.set $k (i32.add (local.get $k) (i32.const 4)))
          (br $vec)))
        ${forRange('$k', get('$k'), get('$len'), `(f32.store ${at(get('$to'), get('$k'))} (f32.add (f32.load ${at(get('$from'), get('$k'))}) (local.get $s)))`)}`)}`)})`;

/** Per-image drivers over the GEMM; `rows` = C/groups·K, `og` = O/groups. */
const IMAGE_LOCALS = locals(['$n', '$grp', '$rows', '$og', '$L', '$src', '$xn', '$yn', '$o', '$p', '$end']);
const imageSetup = `
    (local.set $rows ${mul(i32(1), `(i32.div_u ${geo('C')} ${geo('groups')})`, kernelVolume)})
    (local.set $og (i32.div_u ${geo('O')} ${geo('groups')}))
    (local.set $L ${mul(geo('oD'), geo('oH'), geo('oW'))})`;
const xImage = (x: string): string => at(x, mul(get('$n'), geo('C'), planeIn));
const yImage = (y: string): string => at(y, mul(get('$n'), geo('O'), get('$L')));
const perGroup = (base: string, size: string): string => at(base, mul(get('$grp'), size));

const images = `
  (func (export "convImages") (param $g i32) (param $n0 i32) (param $n1 i32) (param $x i32) (param $w i32) (param $bias i32)
                              (param $y i32) (param $cols i32) (param $work i32)
    ${IMAGE_LOCALS} (local $b v128)
    ${imageSetup}
    ${forRange('$n', get('$n0'), get('$n1'), `
      (local.set $xn ${xImage(get('$x'))})
      (local.set $yn ${yImage(get('$y'))})
      (if ${geo('pointwise')} (then (local.set $src (local.get $xn)))
        (else (call $im2col (local.get $g) (local.get $xn) (local.get $cols) (i32.const 0) ${geo('C')} (local.get $L)) (local.set $src (local.get $cols))))
      (if (local.get $bias) (then
        ${forRange('$o', i32(0), geo('O'), `
          (local.set $b (v128.load32_splat ${at(get('$bias'), get('$o'))}))
          (local.set $p ${at(get('$yn'), mul(get('$o'), get('$L')))})
          (local.set $end ${at(get('$p'), get('$L'))})
          (block $done (loop $fill
            (br_if $done (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
            (v128.store (local.get $p) (local.get $b))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (br $fill)))
          (block $done (loop $tail
            (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
            (f32.store (local.get $p) (f32x4.extract_lane 0 (local.get $b)))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (br $tail)))`)}))
      ${forRange('$grp', i32(0), geo('groups'), `
        (call $gemm (local.get $og) (local.get $L) (local.get $rows)
          ${perGroup(get('$w'), mul(get('$og'), get('$rows')))} (local.get $rows) (i32.const 1)
          ${perGroup(get('$src'), mul(get('$rows'), get('$L')))} (local.get $L) (i32.const 1)
          ${perGroup(get('$yn'), mul(get('$og'), get('$L')))} (local.get $L) (i32.ne (local.get $bias) (i32.const 0)) (local.get $work))`)}`)})

  (func (export "convBackwardInputImages") (param $g i32) (param $n0 i32) (param $n1 i32) (param $dy i32) (param $w i32)
                                           (param $dx i32) (param $cols i32) (param $work i32)
    ${IMAGE_LOCALS}
    ${imageSetup}
    ${forRange('$n', get('$n0'), get('$n1'), `
      (local.set $xn ${xImage(get('$dx'))})
      (local.set $yn ${yImage(get('$dy'))})
      (local.set $src (select (local.get $xn) (local.get $cols) ${geo('pointwise')}))
      ${forRange('$grp', i32(0), geo('groups'), `
        (call $gemm (local.get $rows) (local.get $L) (local.get $og)
          ${perGroup(get('$w'), mul(get('$og'), get('$rows')))} (i32.const 1) (local.get $rows)
          ${perGroup(get('$yn'), mul(get('$og'), get('$L')))} (local.get $L) (i32.const 1)
          ${perGroup(get('$src'), mul(get('$rows'), get('$L')))} (local.get $L) (i32.const 0) (local.get $work))`)}
      (if (i32.eqz ${geo('pointwise')}) (then (call $col2im (local.get $g) (local.get $cols) (local.get $xn) (i32.const 0) ${geo('C')} (local.get $L))))`)})

  ;; dw = the sum over images [n0, n1) of dY·X̂ᵀ; X̂ᵀ is X̂ read with swapped strides
  (func (export "convBackwardWeightImages") (param $g i32) (param $n0 i32) (param $n1 i32) (param $x i32) (param $dy i32)
                                            (param $dw i32) (param $cols i32) (param $work i32)
    ${IMAGE_LOCALS}
    ${imageSetup}
    ${forRange('$n', get('$n0'), get('$n1'), `
      (local.set $xn ${xImage(get('$x'))})
      (local.set $yn ${yImage(get('$dy'))})
      (if ${geo('pointwise')} (then (local.set $src (local.get $xn)))
        (else (call $im2col (local.get $g) (local.get $xn) (local.get $cols) (i32.const 0) ${geo('C')} (local.get $L)) (local.set $src (local.get $cols))))
      ${forRange('$grp', i32(0), geo('groups'), `
        (call $gemm (local.get $og) (local.get $rows) (local.get $L)
          ${perGroup(get('$yn'), mul(get('$og'), get('$L')))} (local.get $L) (i32.const 1)
          ${perGroup(get('$src'), mul(get('$rows'), get('$L')))} (i32.const 1) (local.get $L)
          ${perGroup(get('$dw'), mul(get('$og'), get('$rows')))} (local.get $rows)
          (i32.gt_s (local.get $n) (local.get $n0)) (local.get $work))`)}`)})`;

/**
 * Depthwise 2-D convolution (each output channel filters one input channel: groups = C, O a multiple of C, which
 * includes every convolution of a single-channel image) of output planes [p0, p1):
 * each plane is copied into `pad` with its zero border (or read in place when no window reaches past the input),
 * then every output is a plain sum of kH·kW taps.
 * With stride 1 along the width four neighbouring outputs share every load offset, so they go as one f32x4.
 */
/**
 * The images [n0, n1) as one product: their X̂ side by side (rows nt·L long), so a batch of small images makes
 * one wide GEMM instead of many thin ones; the [O][nt][L] result is swapped into [nt][O][L] with the bias added.
 */
const BATCH_LOCALS = `${IMAGE_LOCALS} (local $nt i32) (local $ld i32)`;
const batchSetup = `${imageSetup}
    (local.set $nt (i32.sub (local.get $n1) (local.get $n0)))
    (local.set $ld (i32.mul (local.get $nt) (local.get $L)))`;
const imagesSideBySide = (x: string): string => forRange('$n', get('$n0'), get('$n1'), `
      (call $im2col (local.get $g) ${xImage(x)} ${at(get('$cols'), mul(sub(get('$n'), get('$n0')), get('$L')))} (i32.const 0) ${geo('C')} (local.get $ld))`);
const firstImage = (base: string, channels: string): string => at(base, mul(get('$n0'), channels, get('$L')));

/**
 * Floats of X̂ per chunk of images: small enough that the columns im2col writes are still in cache when the
 * GEMM packs them (and the GEMM's output when col2im reads it); a whole batch side by side spilled to memory.
 */
const CHUNK_FLOATS = 1 << 17;

/** An exported batched job that runs `chunk` over its images a cache-sized chunk at a time. */
const chunked = (name: string, chunk: string, params: string[]): string => `
  (func (export "${name}") ${params.map((p) => `(param ${p} i32)`).join(' ')}
    (local $c0 i32) (local $step i32)
    ;; images per chunk: X̂ holds C·kernel volume·L floats per image
    (local.set $step (i32.div_u (i32.const ${CHUNK_FLOATS}) ${mul(geo('C'), geo('kD'), geo('kH'), geo('kW'), geo('oD'), geo('oH'), geo('oW'))}))
    (if (i32.eqz (local.get $step)) (then (local.set $step (i32.const 1))))
    ${forRange('$c0', get('$n0'), get('$n1'), `
      (call ${chunk} ${params.map((p) => (p === '$n0' ? get('$c0') : p === '$n1' ? `(call $min ${add(get('$c0'), get('$step'))} (local.get $n1))` : get(p))).join(' ')})`, get('$step'))})`;

const batched = `
  (func $convBatchedChunk (param $g i32) (param $n0 i32) (param $n1 i32) (param $x i32) (param $w i32) (param $bias i32)
                               (param $y i32) (param $cols i32) (param $work i32) (param $tmp i32)
    ${BATCH_LOCALS}
    ${batchSetup}
    ${imagesSideBySide(get('$x'))}
    ${forRange('$grp', i32(0), geo('groups'), `
      (call $gemm (local.get $og) (local.get $ld) (local.get $rows)
        ${perGroup(get('$w'), mul(get('$og'), get('$rows')))} (local.get $rows) (i32.const 1)
        ${perGroup(get('$cols'), mul(get('$rows'), get('$ld')))} (local.get $ld) (i32.const 1)
        ${perGroup(get('$tmp'), mul(get('$og'), get('$ld')))} (local.get $ld) (i32.const 0) (local.get $work))`)}
    (call $swapBlocks (local.get $tmp) ${firstImage(get('$y'), geo('O'))} ${geo('O')} (local.get $nt) (local.get $L) (local.get $bias)))

  (func $convBackwardInputBatchedChunk (param $g i32) (param $n0 i32) (param $n1 i32) (param $dy i32) (param $w i32)
                                            (param $dx i32) (param $cols i32) (param $work i32) (param $tmp i32)
    ${BATCH_LOCALS}
    ${batchSetup}
    (call $swapBlocks ${firstImage(get('$dy'), geo('O'))} (local.get $tmp) (local.get $nt) ${geo('O')} (local.get $L) (i32.const 0))
    ${forRange('$grp', i32(0), geo('groups'), `
      (call $gemm (local.get $rows) (local.get $ld) (local.get $og)
        ${perGroup(get('$w'), mul(get('$og'), get('$rows')))} (i32.const 1) (local.get $rows)
        ${perGroup(get('$tmp'), mul(get('$og'), get('$ld')))} (local.get $ld) (i32.const 1)
        ${perGroup(get('$cols'), mul(get('$rows'), get('$ld')))} (local.get $ld) (i32.const 0) (local.get $work))`)}
    ${forRange('$n', get('$n0'), get('$n1'), `
      (call $col2im (local.get $g) ${at(get('$cols'), mul(sub(get('$n'), get('$n0')), get('$L')))} ${xImage(get('$dx'))} (i32.const 0) ${geo('C')} (local.get $ld))`)})

  ${chunked('convBatched', '$convBatchedChunk', ['$g', '$n0', '$n1', '$x', '$w', '$bias', '$y', '$cols', '$work', '$tmp'])}
  ${chunked('convBackwardInputBatched', '$convBackwardInputBatchedChunk', ['$g', '$n0', '$n1', '$dy', '$w', '$dx', '$cols', '$work', '$tmp'])}

  (func (export "convBackwardWeightBatched") (param $g i32) (param $n0 i32) (param $n1 i32) (param $x i32) (param $dy i32)
                                             (param $dw i32) (param $cols i32) (param $work i32) (param $tmp i32)
    ${BATCH_LOCALS}
    ${batchSetup}
    ${imagesSideBySide(get('$x'))}
    (call $swapBlocks ${firstImage(get('$dy'), geo('O'))} (local.get $tmp) (local.get $nt) ${geo('O')} (local.get $L) (i32.const 0))
    ${forRange('$grp', i32(0), geo('groups'), `
      (call $gemm (local.get $og) (local.get $rows) (local.get $ld)
        ${perGroup(get('$tmp'), mul(get('$og'), get('$ld')))} (local.get $ld) (i32.const 1)
        ${perGroup(get('$cols'), mul(get('$rows'), get('$ld')))} (i32.const 1) (local.get $ld)
        ${perGroup(get('$dw'), mul(get('$og'), get('$rows')))} (local.get $rows) (i32.const 0) (local.get $work))`)})`;

const TAPS = [0, 1, 2, 3, 4, 5, 6, 7, 8];

/**
 * The 3×3 vector path with its nine weights splatted and nine tap offsets computed once per plane, so each
 * output vector costs nine loads and nine multiply-adds; the general loop recomputes every tap address.
 */
function unrolled3x3(fma: boolean): string {
  const setup = TAPS.map((t) => {
    const [kh, kw] = [Math.floor(t / 3), t % 3];
    return `(local.set $w${t} (v128.load32_splat offset=${4 * t} (local.get $wc)))
            (local.set $o${t} (i32.shl ${add(mul(i32(kh), get('$dH'), get('$wp')), mul(i32(kw), get('$dW')))} (i32.const 2)))`;
  });
  const sum = TAPS.reduce((acc, t) => madd(fma, get(`$w${t}`), `(v128.load ${add(get('$src'), get(`$o${t}`))})`, acc), '(f32x4.splat (local.get $b))');
  return `${setup.join('\n')}
            (block $done (loop $vec
              (br_if $done (i32.gt_s (i32.add (local.get $ow) (i32.const 4)) (local.get $oW)))
              (local.set $src ${at(get('$plane'), add(mul(get('$oh'), get('$sH'), get('$ld')), get('$ow')))})
              (v128.store ${at(get('$yrow'), get('$ow'))} ${sum})
              (local.set $ow (i32.add (local.get $ow) (i32.const 4)))
              (br $vec)))`;
}

/** Outputs ow..ow+4k-1 of the row: k f32x4 sums over the taps, each tap one splatted weight and k loads. */
function vectorBlock(fma: boolean, k: number, weight: string, taps: (body: string) => string, tap: (ow: string) => string): string {
  const sums = Array.from({ length: k }, (_, v) => v);
  return `
    ${sums.map((v) => `(local.set $a${v} (f32x4.splat (local.get $b)))`).join(' ')}
    ${taps(`
      (local.set $acc (v128.load32_splat ${weight}))
      (local.set $src ${tap(get('$ow'))})
      ${sums.map((v) => `(local.set $a${v} ${madd(fma, get('$acc'), `(v128.load offset=${16 * v} (local.get $src))`, get(`$a${v}`))})`).join(' ')}`)}
    ${sums.map((v) => `(v128.store offset=${16 * v} ${at(get('$yrow'), get('$ow'))} (local.get $a${v}))`).join(' ')}`;
}

function depthwise(fma: boolean): string {
  // geometry fields live in locals here: loads from memory inside the tap loops are not hoisted by V8
  const fields: GeometryField[] = ['C', 'O', 'H', 'W', 'oH', 'oW', 'kH', 'kW', 'sH', 'sW', 'dH', 'dW', 'pH', 'pW'];
  const f = (name: GeometryField): string => get(`$${name}`);
  const tap = (ow: string): string => at(get('$plane'), add(mul(add(mul(get('$oh'), f('sH')), mul(get('$kh'), f('dH'))), get('$ld')), ow, mul(get('$kw'), f('dW'))));
  const weight = at(get('$wc'), add(mul(get('$kh'), f('kW')), get('$kw')));
  const taps = (body: string): string => forRange('$kh', i32(0), f('kH'), forRange('$kw', i32(0), f('kW'), body));
  return `
  (func (export "depthwise") (param $g i32) (param $p0 i32) (param $p1 i32) (param $x i32) (param $w i32) (param $bias i32)
                             (param $y i32) (param $pad i32)
    ${locals(['$p', '$o', '$xplane', '$hp', '$wp', '$plane', '$ld', '$direct', '$ih', '$oh', '$ow', '$kh', '$kw', '$wc', '$yrow', '$rows', '$cols', ...fields.map((n) => `$${n}`)])}
    (local $acc v128) (local $s f32) (local $b f32) (local $src i32) (local $vend i32)
    ${locals(['$a0', '$a1', '$a2', '$a3'], 'v128')}
    ${locals(TAPS.map((t) => `$w${t}`), 'v128')} ${locals(TAPS.map((t) => `$o${t}`))}
    ${fields.map((n) => set(`$${n}`, geo(n))).join(' ')}
    ;; the padded plane spans every position a window touches: (out − 1)·stride + (k − 1)·dilation + 1
    (local.set $hp ${add(mul(sub(f('oH'), i32(1)), f('sH')), mul(sub(f('kH'), i32(1)), f('dH')), i32(1))})
    (local.set $wp ${add(mul(sub(f('oW'), i32(1)), f('sW')), mul(sub(f('kW'), i32(1)), f('dW')), i32(1))})
    ;; input rows and columns beyond the last window are never read
    (local.set $rows (call $min ${f('H')} (i32.sub (local.get $hp) ${f('pH')})))
    (local.set $cols (call $min ${f('W')} (i32.sub (local.get $wp) ${f('pW')})))
    ;; without padding every window lies inside the input: read the planes in place, rows W apart
    (local.set $direct (i32.and (i32.eqz (i32.or ${f('pH')} ${f('pW')}))
      (i32.and (i32.le_s (local.get $hp) ${f('H')}) (i32.le_s (local.get $wp) ${f('W')}))))
    (local.set $ld (select ${f('W')} (local.get $wp) (local.get $direct)))
    ${forRange('$p', get('$p0'), get('$p1'), `
      ;; output plane p is (n, o); it reads input channel o / (O / C) of image n
      (local.set $o (i32.rem_u (local.get $p) (local.get $O)))
      (local.set $xplane ${add(mul(`(i32.div_u ${sub(get('$p'), get('$o'))} ${f('O')})`, f('C')), `(i32.div_u ${get('$o')} (i32.div_u ${f('O')} ${f('C')}))`)})
      (if (local.get $direct) (then (local.set $plane ${at(get('$x'), mul(get('$xplane'), f('H'), f('W')))}))
        (else
          (memory.fill (local.get $pad) (i32.const 0) (i32.shl ${mul(get('$hp'), get('$wp'))} (i32.const 2)))
          ${forRange('$ih', i32(0), get('$rows'), `
            (call $copyRun ${at(get('$pad'), add(mul(add(get('$ih'), f('pH')), get('$wp')), f('pW')))}
              ${at(get('$x'), add(mul(get('$xplane'), f('H'), f('W')), mul(get('$ih'), f('W'))))} (local.get $cols) (i32.const 1))`)}
          (local.set $plane (local.get $pad))))
      (local.set $wc ${at(get('$w'), mul(get('$o'), f('kH'), f('kW')))})
      (local.set $b (if (result f32) (local.get $bias) (then (f32.load ${at(get('$bias'), get('$o'))})) (else (f32.const 0))))
      ${forRange('$oh', i32(0), f('oH'), `
        (local.set $yrow ${at(get('$y'), mul(add(mul(get('$p'), f('oH')), get('$oh')), f('oW')))})
        (local.set $ow (i32.const 0))
        (if (i32.eq ${f('sW')} (i32.const 1)) (then
          (if (i32.and (i32.eq ${f('kH')} (i32.const 3)) (i32.eq ${f('kW')} (i32.const 3)))
            (then ${unrolled3x3(fma)})
            (else
              ;; other kernel sizes: sixteen outputs at a time in four independent sums, which hides the latency of
              ;; the multiply-adds (one running sum per vector would wait on each of them in turn), then eight, then four
              ${[4, 2, 1].map((k) => `
              (local.set $vend ${add(get('$ow'), `(i32.and ${sub(f('oW'), get('$ow'))} (i32.const ${-4 * k}))`)})
              ${forRange('$ow', get('$ow'), get('$vend'), vectorBlock(fma, k, weight, taps, tap), i32(4 * k))}`).join('')}
              ))))
        (block $done (loop $each
          (br_if $done (i32.ge_s (local.get $ow) ${f('oW')}))
          (local.set $s (local.get $b))
          ${taps(`(local.set $s (f32.add (local.get $s) (f32.mul (f32.load ${weight}) (f32.load ${tap(mul(get('$ow'), f('sW')))}))))`)}
          (f32.store ${at(get('$yrow'), get('$ow'))} (local.get $s))
          (local.set $ow (i32.add (local.get $ow) (i32.const 1)))
          (br $each)))`)}`)})`;
}

export function convWat(fma: boolean): string {
  return [runs, im2col, images, batched, depthwise(fma)].join('\n');
}

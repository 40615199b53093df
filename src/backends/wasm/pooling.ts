/** 2-D max pooling on WebAssembly, planes split across threads; 3-D, small and non-float32 inputs use fast/pooling.ts. */
import { numel } from '../../core/shape.js';
import type { AllKernels, View } from '../backend.js';
import type { MaxPoolResult, PoolWindows } from '../conv-kernels.js';
import { storageOf } from '../reference/strided.js';
import { WASM_MIN_ELEMENTS } from './elementwise.js';
import { clippedTaps, fastPooling } from './fast/pooling.js';
import { splitRange, threadsFor } from './matmul.js';
import { placeDense } from './operands.js';
import { output } from './resident-storage.js';
import type { WasmRuntime } from './runtime.js';

/** A run of outputs along W whose windows are whole, of `size` taps, starting `stride` apart: the kernel's vector path. */
interface RegularRun {
  size: number;
  stride: number;
  lo: number;
  hi: number;
}

/** The outputs along W with whole windows, if they are evenly spaced and equally long (fixed windows are); else none. */
export function regularRun(w: PoolWindows, taps: { first: Int32Array; end: Int32Array }): RegularRun {
  const [start, size] = [w.start[2], w.size[2]];
  const whole = (o: number): boolean => taps.first[o] === 0 && taps.end[o] === size[o];
  let lo = 0;
  while (lo < start.length && !whole(lo)) lo++;
  let hi = lo;
  while (hi < start.length && whole(hi)) hi++;
  const stride = hi - lo > 1 ? start[lo + 1] - start[lo] : 1;
  for (let o = lo + 1; o < hi; o++) {
    if (size[o] !== size[lo] || start[o] - start[o - 1] !== stride) return { size: 0, stride: 1, lo: 0, hi: 0 };
  }
  return stride >= 1 && hi > lo ? { size: size[lo], stride, lo, hi } : { size: 0, stride: 1, lo: 0, hi: 0 };
}

export function wasmPooling(rt: WasmRuntime): Pick<AllKernels, 'maxPool'> {
  function maxPool(x: View, w: PoolWindows): MaxPoolResult {
    const [batch, channels, D, H, W] = x.shape;
    const depth = clippedTaps(w, 0, D);
    const flat = D === 1 && w.outSize[0] === 1 && w.start[0][0] === 0 && depth.end[0] === 1;
    if (x.dtype !== 'float32' || !flat || numel(x.shape) < WASM_MIN_ELEMENTS) return fastPooling.maxPool(x, w);
    const [, oH, oW] = w.outSize;
    const th = clippedTaps(w, 1, H);
    const tw = clippedTaps(w, 2, W);
    const run = regularRun(w, tw);
    rt.begin();
    const planes = batch * channels;
    const n = planes * oH * oW;
    // a tap (loads, deinterleaving shuffles, a compare and two selects) counted as two multiply-adds: so ResNet's
    // stem pooling (3×3 stride 2 over [1,64,112,112]) splits, 2.0 → 1.5 ms on 2 threads (fastest of 60, measured)
    const threads = threadsFor(rt, 4 * n * Math.max(...w.size[1]) * Math.max(...w.size[2]));
    const rec = rt.putI32([H, W, oH, oW, w.step[1], w.step[2], run.size, run.stride, run.lo, run.hi,
      ...w.start[1], ...th.first, ...th.end, ...w.start[2], ...tw.first, ...tw.end]);
    const px = placeDense(rt, x);
    // the outputs come after the input: the kernel's stride-2 loads may read one value past the input's end
    const values = rt.alloc(4 * n);
    const indices = rt.alloc(4 * n);
    rt.run('maxPool2d', splitRange(planes, threads, 1).map(([p0, count]) => [rec, px, values, indices, p0, p0 + count]));
    return { values: output(rt, values, n), indices: storageOf(rt.takeInt32(indices, n), 'int32') };
  }
  return { maxPool };
}

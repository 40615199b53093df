/** 2-D max pooling on WebAssembly, planes split across threads; 3-D, small and non-float32 inputs use fast/pooling.ts. */
import { numel } from '../../core/shape.js';
import type { Kernels, View } from '../backend.js';
import type { MaxPoolResult, PoolWindows } from '../conv-kernels.js';
import { storageOf } from '../reference/strided.js';
import { WASM_MIN_ELEMENTS } from './elementwise.js';
import { clippedTaps, fastPooling } from './fast/pooling.js';
import { splitRange, threadsFor } from './matmul.js';
import { placeDense } from './operands.js';
import type { WasmRuntime } from './runtime.js';

export function wasmPooling(rt: WasmRuntime): Pick<Kernels, 'maxPool'> {
  function maxPool(x: View, w: PoolWindows): MaxPoolResult {
    const [batch, channels, D, H, W] = x.shape;
    const depth = clippedTaps(w, 0, D);
    const flat = D === 1 && w.outSize[0] === 1 && w.start[0][0] === 0 && depth.end[0] === 1;
    if (x.dtype !== 'float32' || !flat || numel(x.shape) < WASM_MIN_ELEMENTS) return fastPooling.maxPool(x, w);
    const [, oH, oW] = w.outSize;
    const th = clippedTaps(w, 1, H);
    const tw = clippedTaps(w, 2, W);
    rt.begin();
    const rec = rt.putI32([H, W, oH, oW, w.step[1], w.step[2], ...w.start[1], ...th.first, ...th.end, ...w.start[2], ...tw.first, ...tw.end]);
    const px = placeDense(rt, x);
    const planes = batch * channels;
    const n = planes * oH * oW;
    const values = rt.alloc(4 * n);
    const indices = rt.alloc(4 * n);
    // a comparison per tap is about as much work as a multiply-add
    const threads = threadsFor(rt, 2 * n * Math.max(...w.size[1]) * Math.max(...w.size[2]));
    rt.run('maxPool2d', splitRange(planes, threads, 1).map(([p0, count]) => [rec, px, values, indices, p0, p0 + count]));
    return { values: storageOf(rt.take(values, n), 'float32'), indices: storageOf(rt.takeInt32(indices, n), 'int32') };
  }
  return { maxPool };
}

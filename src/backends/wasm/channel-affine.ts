/** The fused per-channel scale and shift (src/ops/channel-affine.ts) on WebAssembly, rows split across threads. */
import { numel } from '../../core/shape.js';
import type { AllKernels, Storage, View } from '../backend.js';
import { channelAffine as referenceChannelAffine } from '../reference/channel-affine.js';
import { storageOf } from '../reference/strided.js';
import { WASM_MIN_ELEMENTS } from './elementwise.js';
import { PARALLEL_MIN_ELEMENTS, splitRange, threadsForElements } from './matmul.js';
import { placeDense } from './operands.js';
import { output } from './resident-storage.js';
import type { WasmRuntime } from './runtime.js';

/** Below this many elements one thread does it all (matmul.ts's PARALLEL_MIN_ELEMENTS, shared by every elementwise pass). */
export const AFFINE_PARALLEL_MIN = PARALLEL_MIN_ELEMENTS;

export function wasmChannelAffine(rt: WasmRuntime): AllKernels['channelAffine'] {
  return (x: View, scale: View, shift: View | null, residual: View | null, relu: boolean): Storage => {
    const n = numel(x.shape);
    if (x.dtype !== 'float32' || n < WASM_MIN_ELEMENTS) return referenceChannelAffine(x, scale, shift, residual, relu);
    const channels = x.shape[1];
    const inner = n / (x.shape[0] * channels);
    rt.begin();
    const threads = threadsForElements(rt, n);
    const px = placeDense(rt, x);
    const ps = placeDense(rt, scale);
    const pt = shift ? placeDense(rt, shift) : 0;
    const pr = residual ? placeDense(rt, residual) : 0;
    const out = rt.alloc(4 * n);
    const parts = splitRange(n / inner, threads, 1).map(([r0, count]) => [out, px, pr, ps, pt, r0, r0 + count, channels, inner, relu ? 1 : 0]);
    rt.run('channelAffine', parts);
    return output(rt, out, n);
  };
}

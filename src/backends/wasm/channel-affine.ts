/** The fused per-channel scale and shift (src/ops/channel-affine.ts) on WebAssembly, rows split across threads. */
import { numel } from '../../core/shape.js';
import type { AllKernels, Storage, View } from '../backend.js';
import { channelAffine as referenceChannelAffine } from '../reference/channel-affine.js';
import { storageOf } from '../reference/strided.js';
import { WASM_MIN_ELEMENTS } from './elementwise.js';
import { splitRange, threadsWhen } from './matmul.js';
import { placeDense } from './operands.js';
import { output } from './resident-storage.js';
import type { WasmRuntime } from './runtime.js';

/**
 * Below this many elements one thread does it all: the pass is bound by the copies in and out (on the calling
 * thread), and splitting 200K elements' arithmetic saved less than waking a worker cost (measured at batch 1).
 * The same holds for the other elementwise passes (activations, their gradients, LeNet-5's max pooling), which
 * stay on one thread: split at 300K elements, they made a LeNet-5 training step slower (likely the worker's half of
 * the output moving between the cores' caches before the copy out).
 */
export const AFFINE_PARALLEL_MIN = 1 << 18;

export function wasmChannelAffine(rt: WasmRuntime): AllKernels['channelAffine'] {
  return (x: View, scale: View, shift: View | null, residual: View | null, relu: boolean): Storage => {
    const n = numel(x.shape);
    if (x.dtype !== 'float32' || n < WASM_MIN_ELEMENTS) return referenceChannelAffine(x, scale, shift, residual, relu);
    const channels = x.shape[1];
    const inner = n / (x.shape[0] * channels);
    rt.begin();
    const threads = threadsWhen(rt, n >= AFFINE_PARALLEL_MIN);
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

/**
 * Sums over every dim but one contiguous block of dims (a bias gradient: dy [N, C, H, W] summed over N, H and W, or
 * [N, F] over N) in one native pass per channel (native/src/batchnorm.cc channelSum), accumulated in double; the
 * wasm kernel copies the operand into WebAssembly memory first. Other reductions run the wasm kernels.
 */
import { numel } from '../../core/shape.js';
import type { AllKernels } from '../backend.js';
import { contiguousData, isContiguous, storageOf } from '../reference/strided.js';
import type { NativeAddon } from './addon.js';

/** [batch, channels, inner] when the kept dims of `shape` are one block [a, b) between reduced ones, else null. */
export function keptBlock(shape: readonly number[], dims: readonly number[]): [number, number, number] | null {
  const reduced = new Set(dims);
  let a = 0;
  while (a < shape.length && reduced.has(a)) a++;
  let b = a;
  while (b < shape.length && !reduced.has(b)) b++;
  for (let d = b; d < shape.length; d++) if (!reduced.has(d)) return null;
  return [numel(shape.slice(0, a)), numel(shape.slice(a, b)), numel(shape.slice(b))];
}

export function nativeReduce(addon: NativeAddon, base: AllKernels, syncThreads: () => void): Pick<AllKernels, 'reduce'> {
  return {
    reduce(op, x, dims, outDtype) {
      const block = op === 'sum' && x.dtype === 'float32' && outDtype === 'float32' && isContiguous(x.shape, x.strides) ? keptBlock(x.shape, dims) : null;
      if (!block) return base.reduce(op, x, dims, outDtype);
      syncThreads();
      const out = new Float32Array(block[1]);
      addon.channelSum(contiguousData(x) as Float32Array, ...block, out);
      return storageOf(out, 'float32');
    },
  };
}

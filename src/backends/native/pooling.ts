/**
 * Max pooling's gradient (native/src/pooling.cc) on the tensors' own arrays: the wasm kernel copies the gradient
 * and the indices into WebAssembly memory and the result back, which at LeNet-5's sizes costs more than the
 * scatter. The forward stays wasm's (its SIMD row loop is faster than the addon's scalar one was).
 */
import { numel } from '../../core/shape.js';
import type { AllKernels } from '../backend.js';
import { contiguousData, storageOf } from '../reference/strided.js';

import type { NativeAddon } from './addon.js';

type PoolingKernels = Pick<AllKernels, 'maxPoolBackward'>;

export function nativePooling(addon: NativeAddon, base: AllKernels, syncThreads: () => void): PoolingKernels {
  return {
    maxPoolBackward(gy, indices, inSize) {
      if (gy.dtype !== 'float32' || indices.dtype !== 'int32') return base.maxPoolBackward(gy, indices, inSize);
      syncThreads();
      const planes = gy.shape[0] * gy.shape[1];
      const gx = new Float32Array(planes * numel(inSize));
      addon.maxPoolBackward(contiguousData(gy) as Float32Array, contiguousData(indices) as Int32Array, gx, planes, numel(inSize), numel(gy.shape.slice(2)));
      return storageOf(gx, 'float32');
    },
  };
}

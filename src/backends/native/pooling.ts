/**
 * Max pooling with PyTorch's indices and its gradient (native/src/maxpool.cc, pooling.cc) on the tensors' own
 * arrays, where the wasm kernels copy the operands into WebAssembly memory and the results back.
 */
import { numel } from '../../core/shape.js';
import type { AllKernels } from '../backend.js';
import { contiguousData, storageOf } from '../reference/strided.js';

import type { NativeAddon } from './addon.js';

type PoolingKernels = Pick<AllKernels, 'maxPool' | 'maxPoolBackward'>;

export function nativePooling(addon: NativeAddon, base: AllKernels, syncThreads: () => void): PoolingKernels {
  return {
    maxPool(x, w) {
      if (x.dtype !== 'float32' || numel(x.shape) === 0) return base.maxPool(x, w);
      syncThreads();
      const [N, C, ...inSize] = x.shape;
      const out = N * C * numel(w.outSize);
      const values = new Float32Array(out);
      const indices = new Int32Array(out);
      const shape = Int32Array.from([N * C, ...inSize, ...w.outSize, ...w.step]);
      addon.maxPool(contiguousData(x) as Float32Array, values, indices, shape, ...w.start, ...w.size);
      return { values: storageOf(values, 'float32'), indices: storageOf(indices, 'int32') };
    },
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

/**
 * BatchNorm's training reductions (native/src/batchnorm.cc): the batch statistics and the backward's two sums,
 * each one pass per channel accumulated in double, where the op sequence takes five or six passes over the
 * activations through the wasm kernels, with a copy into WebAssembly memory and back for each.
 */
import type { DType } from '../../core/dtype.js';
import { numel } from '../../core/shape.js';
import type { OptionalKernels, View } from '../backend.js';
import { contiguousData, storageOf } from '../reference/strided.js';
import type { FloatArray, NativeAddon } from './addon.js';

type BatchNormKernels = Pick<OptionalKernels, 'batchNormStatistics' | 'batchNormBackwardSums'>;

const floating = (dtype: DType, op: string): 'float32' | 'float64' => {
  if (dtype === 'float32' || dtype === 'float64') return dtype;
  throw new TypeError(`${op}: expected a float32 or float64 input on native, got ${dtype}`);
};
const alloc = (dtype: 'float32' | 'float64', n: number): FloatArray => (dtype === 'float32' ? new Float32Array(n) : new Float64Array(n));
/** [batch, channels, inner] of an [N, C, ...] view. */
const dims = (v: View): [number, number, number] => [v.shape[0], v.shape[1], numel(v.shape.slice(2))];

export function nativeBatchNorm(addon: NativeAddon, syncThreads: () => void): BatchNormKernels {
  return {
    batchNormStatistics(x) {
      const dtype = floating(x.dtype, 'batchNormStatistics');
      syncThreads();
      const [batch, channels, inner] = dims(x);
      const mean = alloc(dtype, channels);
      const variance = alloc(dtype, channels);
      addon.batchNormStatistics(contiguousData(x) as FloatArray, batch, channels, inner, mean, variance);
      return [storageOf(mean, dtype), storageOf(variance, dtype)];
    },
    batchNormBackwardSums(gy, x, mean) {
      const dtype = floating(gy.dtype, 'batchNormBackwardSums');
      if (x.dtype !== dtype || mean.dtype !== dtype) throw new TypeError(`batchNormBackwardSums: expected x and mean of dtype ${dtype} like gy, got ${x.dtype} and ${mean.dtype}`);
      syncThreads();
      const [batch, channels, inner] = dims(x);
      const sumGy = alloc(dtype, channels);
      const sumGyCentred = alloc(dtype, channels);
      const data = (v: View): FloatArray => contiguousData(v) as FloatArray;
      addon.batchNormBackwardSums(data(gy), data(x), data(mean), batch, channels, inner, sumGy, sumGyCentred);
      return [storageOf(sumGy, dtype), storageOf(sumGyCentred, dtype)];
    },
  };
}

/**
 * Memory-bound fast paths the addon runs in place on the tensors' arrays (native/src/elementwise.cc): BatchNorm's
 * affine end with ResNet's shortcut and ReLU (channelAffine), and the optimisers' x ← αx + βy (scaleAdd_). The wasm
 * kernels copy each operand into WebAssembly memory and back (channelAffine), or run as JavaScript (scaleAdd_);
 * here one pass reads and writes each element once. Same rounding as the separate ops, bit for bit.
 */
import { numel } from '../../core/shape.js';
import type { AllKernels, View } from '../backend.js';
import { contiguousData, cpuData, isContiguous, storageOf } from '../reference/strided.js';
import type { NativeAddon } from './addon.js';

type ElementwiseKernels = Pick<AllKernels, 'channelAffine' | 'scaleAdd_'>;

const f32 = (v: View): Float32Array => contiguousData(v) as Float32Array;

export function nativeElementwise(addon: NativeAddon, base: AllKernels, syncThreads: () => void): ElementwiseKernels {
  return {
    channelAffine(x, scale, shift, residual, relu) {
      if (![x, scale, shift, residual].every((v) => v === null || v.dtype === 'float32')) return base.channelAffine(x, scale, shift, residual, relu);
      syncThreads();
      const n = numel(x.shape);
      const rows = x.shape[0] * x.shape[1];
      const y = new Float32Array(n);
      addon.channelAffine(f32(x), f32(scale), shift && f32(shift), residual && f32(residual), y, rows, x.shape[1], numel(x.shape.slice(2)), relu);
      return storageOf(y, 'float32');
    },
    scaleAdd_(x, alpha, y, beta) {
      const n = numel(x.shape);
      const dense = isContiguous(x.shape, x.strides) && isContiguous(y.shape, y.strides);
      // y overlapping x elsewhere than element for element would be read after it was written
      const disjoint = y.storage !== x.storage || y.offset === x.offset;
      if (x.dtype !== 'float32' || y.dtype !== 'float32' || !dense || !disjoint) return base.scaleAdd_(x, alpha, y, beta);
      syncThreads();
      const xs = (cpuData(x.storage) as Float32Array).subarray(x.offset, x.offset + n);
      addon.scaleAdd(xs, Math.fround(alpha), f32(y), Math.fround(beta));
    },
  };
}

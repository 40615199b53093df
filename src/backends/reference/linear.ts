/** The `linear` kernel by its definition: y[i, j] = bias[j] + Σ_p x[i, p] · weight[j, p], summed in float64. */
import { allocArray, type DType } from '../../core/dtype.js';
import type { Storage, View } from '../backend.js';
import { contiguousData, storageOf } from './strided.js';

/** weight [N,K] read as its transpose [K,N] (a view, no copy): the row-major B a GEMM takes. */
export const transposedWeight = (w: View): View => ({ ...w, shape: [w.shape[1], w.shape[0]], strides: [w.strides[1], w.strides[0]] });

export function linear(x: View, weight: View, bias: View | null, outDtype: DType): Storage {
  const [m, k] = x.shape;
  const n = weight.shape[0];
  const xs = contiguousData(x);
  const ws = contiguousData(weight);
  const bs = bias ? contiguousData(bias) : null;
  const out = allocArray(outDtype, m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = bs ? bs[j] : 0;
      for (let p = 0; p < k; p++) sum += xs[i * k + p] * ws[j * k + p];
      out[i * n + j] = sum;
    }
  }
  return storageOf(out, outDtype);
}

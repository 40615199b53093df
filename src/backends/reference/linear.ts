/** The `linear` kernel: every row of the output starts as the bias, then x·weightᵀ accumulates onto it. */
import { allocArray, type DType } from '../../core/dtype.js';
import type { Storage, View } from '../backend.js';
import { gemmInto } from './matmul.js';
import { contiguousData, storageOf } from './strided.js';

/** weight [N,K] read as its transpose [K,N], the row-major B that gemmInto takes. */
export const transposedWeight = (w: View): View => ({ ...w, shape: [w.shape[1], w.shape[0]], strides: [w.strides[1], w.strides[0]] });

export function linear(x: View, weight: View, bias: View | null, outDtype: DType): Storage {
  const [m, k] = x.shape;
  const n = weight.shape[0];
  const out = allocArray(outDtype, m * n);
  if (bias) {
    const b = contiguousData(bias);
    for (let i = 0; i < m; i++) out.set(b, i * n);
  }
  gemmInto(contiguousData(x), contiguousData(transposedWeight(weight)), out, m, k, n);
  return storageOf(out, outDtype);
}

import { allocArray, type DType } from '../../core/dtype.js';
import type { Storage, View } from '../backend.js';
import { contiguousData, storageOf } from './strided.js';

/** The definition, batch by batch: c[b, i, j] = Σ_p a[b, i, p] · b[b, p, j], summed in float64 in p's order. */
export function matmul(a: View, b: View, outDtype: DType): Storage {
  const [batch, m, k] = a.shape;
  const n = b.shape[2];
  const as = contiguousData(a);
  const bs = contiguousData(b);
  const out = allocArray(outDtype, batch * m * n);
  for (let bi = 0; bi < batch; bi++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) sum += as[(bi * m + i) * k + p] * bs[(bi * k + p) * n + j];
        out[(bi * m + i) * n + j] = sum;
      }
    }
  }
  return storageOf(out, outDtype);
}

import { allocArray, type DType } from '../../core/dtype.js';
import type { Storage, View } from '../backend.js';
import { contiguousData, storageOf } from './strided.js';

/**
 * The definition, batch by batch: c[b, i, j] = Σ_p a[b, i, p] · b[b, p, j], summed in float64 in p's order.
 * The loops run i, p, j (a row of sums at a time) so that b is read along its rows; each sum still adds its
 * terms in p's order, as the i, j, p order would.
 */
export function matmul(a: View, b: View, outDtype: DType): Storage {
  const [batch, m, k] = a.shape;
  const n = b.shape[2];
  const as = contiguousData(a);
  const bs = contiguousData(b);
  const out = allocArray(outDtype, batch * m * n);
  const sums = new Float64Array(n);
  for (let bi = 0; bi < batch; bi++) {
    for (let i = 0; i < m; i++) {
      sums.fill(0);
      for (let p = 0; p < k; p++) {
        const aip = as[(bi * m + i) * k + p];
        const row = (bi * k + p) * n;
        for (let j = 0; j < n; j++) sums[j] += aip * bs[row + j];
      }
      out.set(sums, (bi * m + i) * n);
    }
  }
  return storageOf(out, outDtype);
}

import { allocArray, type DType, type TypedArray } from '../../core/dtype.js';
import type { Storage, View } from '../backend.js';
import { contiguousData, storageOf } from './strided.js';

const KC = 256; // a panel of B rows that stays in L2 while rows of A stream past
const NC = 1024;

/** c[M,N] += a[M,K] · b[K,N], all row-major; i-k-j order so the inner loop runs along contiguous rows. */
export function gemmInto(a: ArrayLike<number>, b: ArrayLike<number>, c: TypedArray, m: number, k: number, n: number): void {
  for (let k0 = 0; k0 < k; k0 += KC) {
    const k1 = Math.min(k, k0 + KC);
    for (let j0 = 0; j0 < n; j0 += NC) {
      const j1 = Math.min(n, j0 + NC);
      for (let i = 0; i < m; i++) {
        const crow = i * n;
        for (let p = k0; p < k1; p++) {
          const aip = a[i * k + p];
          if (aip === 0) continue;
          const brow = p * n;
          for (let j = j0; j < j1; j++) c[crow + j] += aip * b[brow + j];
        }
      }
    }
  }
}

function batchSlice(v: View, bi: number): View {
  return { ...v, shape: v.shape.slice(1), strides: v.strides.slice(1), offset: v.offset + bi * v.strides[0] };
}

export function matmul(a: View, b: View, outDtype: DType): Storage {
  const [batch, m, k] = a.shape;
  const n = b.shape[2];
  const out = allocArray(outDtype, batch * m * n);
  for (let bi = 0; bi < batch; bi++) {
    const c = out.subarray(bi * m * n, (bi + 1) * m * n);
    gemmInto(contiguousData(batchSlice(a, bi)), contiguousData(batchSlice(b, bi)), c, m, k, n);
  }
  return storageOf(out, outDtype);
}

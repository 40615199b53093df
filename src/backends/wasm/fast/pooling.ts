/**
 * Max pooling and its gradient's scatter as direct float32 loops. The reference kernels visit window positions
 * through per-element arrays and index arithmetic; here each window is a clipped range per dim, computed once.
 */
import type { DType } from '../../../core/dtype.js';
import { numel, type Shape } from '../../../core/shape.js';
import type { Kernels, Storage, View } from '../../backend.js';
import type { MaxPoolResult, PoolWindows, Triple } from '../../conv-kernels.js';
import { referenceKernels } from '../../reference/index.js';
import { contiguousData, isContiguous, storageOf } from '../../reference/strided.js';

/** For each output along one dim, the first and one-past-last tap j whose position start + j·step is inside [0, n). */
export function clippedTaps(w: PoolWindows, dim: number, n: number): { first: Int32Array; end: Int32Array } {
  const count = w.outSize[dim];
  const first = new Int32Array(count);
  const end = new Int32Array(count);
  const step = w.step[dim];
  for (let o = 0; o < count; o++) {
    const start = w.start[dim][o];
    first[o] = start >= 0 ? 0 : Math.ceil(-start / step);
    end[o] = Math.max(first[o], Math.min(w.size[dim][o], Math.floor((n - 1 - start) / step) + 1));
  }
  return { first, end };
}

function maxPool(x: View, w: PoolWindows): MaxPoolResult {
  if (x.dtype !== 'float32') return referenceKernels.maxPool(x, w);
  const [batch, channels, D, H, W] = x.shape;
  const xs = contiguousData(x);
  const [oD, oH, oW] = w.outSize;
  const [td, th, tw] = [clippedTaps(w, 0, D), clippedTaps(w, 1, H), clippedTaps(w, 2, W)];
  const [sd, sh, sw] = w.step;
  const planeIn = D * H * W;
  const values = new Float32Array(batch * channels * oD * oH * oW);
  const indices = new Int32Array(values.length);
  let out = 0;
  for (let p = 0; p < batch * channels; p++) {
    const base = p * planeIn;
    for (let od = 0; od < oD; od++) {
      const d0 = w.start[0][od];
      for (let oh = 0; oh < oH; oh++) {
        const h0 = w.start[1][oh];
        for (let ow = 0; ow < oW; ow++, out++) {
          const w0 = w.start[2][ow];
          let best = -Infinity;
          let where = -1;
          for (let jd = td.first[od]; jd < td.end[od]; jd++) {
            const id = d0 + jd * sd;
            for (let jh = th.first[oh]; jh < th.end[oh]; jh++) {
              const row = (id * H + h0 + jh * sh) * W;
              for (let jw = tw.first[ow]; jw < tw.end[ow]; jw++) {
                const i = row + w0 + jw * sw;
                const v = xs[base + i];
                // ties keep the first maximum; NaN wins (the last one seen), as the reference and PyTorch
                if (where < 0 || v > best || v !== v) {
                  best = v;
                  where = i;
                }
              }
            }
          }
          values[out] = best;
          indices[out] = where;
        }
      }
    }
  }
  return { values: storageOf(values, 'float32'), indices: storageOf(indices, 'int32') };
}

/**
 * The max-pool gradient: each output's gradient added at its index in the input plane. Typed float32/int32
 * arrays keep the loop monomorphic (the reference kernel's generic arrays cost it about 4×).
 */
function maxPoolBackward(gy: View, indices: View, inSize: Triple): Storage {
  if (gy.dtype !== 'float32' || indices.dtype !== 'int32') return referenceKernels.maxPoolBackward(gy, indices, inSize);
  const gys = contiguousData(gy) as Float32Array;
  const idx = contiguousData(indices) as Int32Array;
  const planeIn = inSize[0] * inSize[1] * inSize[2];
  const planeOut = numel(gy.shape.slice(2));
  const gx = new Float32Array(gy.shape[0] * gy.shape[1] * planeIn);
  for (let p = 0, k = 0; p < gy.shape[0] * gy.shape[1]; p++) {
    const base = p * planeIn;
    for (let end = k + planeOut; k < end; k++) gx[base + idx[k]] += gys[k];
  }
  return storageOf(gx, 'float32');
}

/** The max-pool gradient's shape of scatter: along the last dim, with dense index and source. */
function scatterAdd(shape: Shape, dim: number, index: View, src: View, dtype: DType): Storage {
  const last = shape.length - 1;
  const dense = (v: View): boolean => v.offset === 0 && isContiguous(v.shape, v.strides);
  if (dtype !== 'float32' || src.dtype !== 'float32' || dim !== last || !dense(index) || !dense(src) ||
      index.shape.slice(0, last).some((s, d) => s !== shape[d])) {
    return referenceKernels.scatterAdd(shape, dim, index, src, dtype);
  }
  const idx = contiguousData(index);
  const vals = contiguousData(src);
  const size = shape[last];
  const len = index.shape[last];
  const out = new Float32Array(numel(shape));
  for (let r = 0, k = 0; k < idx.length; r++) {
    for (let j = 0; j < len; j++, k++) {
      const i = idx[k];
      if (i < 0 || i >= size) throw new RangeError(`scatterAdd: index ${i} is out of bounds for dimension of size ${size}`);
      out[r * size + i] += vals[k];
    }
  }
  return storageOf(out, 'float32');
}

export const fastPooling: Pick<Kernels, 'maxPool' | 'maxPoolBackward' | 'scatterAdd'> = { maxPool, maxPoolBackward, scatterAdd };

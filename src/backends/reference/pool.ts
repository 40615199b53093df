import { allocArray } from '../../core/dtype.js';
import { numel } from '../../core/shape.js';
import type { Storage, View } from '../backend.js';
import type { MaxPoolResult, PoolWindows, Triple } from '../conv-kernels.js';
import { contiguousData, storageOf } from './strided.js';

/**
 * The positions window o covers along one dim: start + j·step for j < size, keeping those inside
 * [0, n) (the rest is implicit -∞ padding).
 */
function positions(w: PoolWindows, dim: number, o: number, n: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < w.size[dim][o]; j++) {
    const i = w.start[dim][o] + j * w.step[dim];
    if (i >= 0 && i < n) out.push(i);
  }
  return out;
}

/** Max pooling over every [D, H, W] plane; ties keep the first maximum and NaN propagates, as PyTorch. */
export function maxPool(x: View, w: PoolWindows): MaxPoolResult {
  const [batch, channels, D, H, W] = x.shape;
  const xs = contiguousData(x);
  const [oD, oH, oW] = w.outSize;
  const taps = [0, 1, 2].map((dim) => Array.from({ length: w.outSize[dim] }, (_, o) => positions(w, dim, o, x.shape[2 + dim])));
  const planeIn = D * H * W;
  const planeOut = oD * oH * oW;
  const values = allocArray(x.dtype, batch * channels * planeOut);
  const indices = new Int32Array(values.length);
  for (let p = 0; p < batch * channels; p++) {
    let out = p * planeOut;
    for (let od = 0; od < oD; od++) for (let oh = 0; oh < oH; oh++) for (let ow = 0; ow < oW; ow++, out++) {
      let best = -Infinity;
      let where = -1;
      for (const id of taps[0][od]) for (const ih of taps[1][oh]) for (const iw of taps[2][ow]) {
        const i = (id * H + ih) * W + iw;
        const v = xs[p * planeIn + i];
        if (where < 0 || v > best || Number.isNaN(v)) {
          best = v;
          where = i;
        }
      }
      values[out] = best;
      indices[out] = where;
    }
  }
  return { values: storageOf(values, x.dtype), indices: storageOf(indices, 'int32') };
}

/** Adds each output's gradient at the input position its index names (ties between windows accumulate). */
export function maxPoolBackward(gy: View, indices: View, inSize: Triple): Storage {
  const [batch, channels] = gy.shape;
  const gys = contiguousData(gy);
  const idx = contiguousData(indices);
  const planeIn = numel(inSize);
  const planeOut = numel(gy.shape.slice(2));
  const gx = allocArray(gy.dtype, batch * channels * planeIn);
  for (let p = 0; p < batch * channels; p++) {
    for (let o = 0; o < planeOut; o++) gx[p * planeIn + idx[p * planeOut + o]] += gys[p * planeOut + o];
  }
  return storageOf(gx, gy.dtype);
}

import { allocArray } from '../../core/dtype.js';
import { numel } from '../../core/shape.js';
import type { Storage, View } from '../backend.js';
import { contiguousData, storageOf } from './strided.js';

/**
 * y = x·scale[c] + shift[c] + residual, then ReLU when relu (NaN passes, as in torch.relu), over x [N, C, ...].
 * Each step is rounded to x's dtype, as the separate ops (mul, add, add, relu) round their results, so the output
 * is theirs bit for bit.
 */
export function channelAffine(x: View, scale: View, shift: View | null, residual: View | null, relu: boolean): Storage {
  const [xs, s] = [contiguousData(x), contiguousData(scale)];
  const t = shift && contiguousData(shift);
  const r = residual && contiguousData(residual);
  const round = x.dtype === 'float32' ? Math.fround : (v: number): number => v;
  const channels = x.shape[1];
  const inner = numel(x.shape.slice(2));
  const out = allocArray(x.dtype, xs.length);
  for (let row = 0, i = 0; row < xs.length / inner; row++) {
    const c = row % channels;
    for (let j = 0; j < inner; j++, i++) {
      let v = round(xs[i] * s[c]);
      if (t) v = round(v + t[c]);
      if (r) v = round(v + r[i]);
      out[i] = relu && v <= 0 ? 0 : v; // NaN passes, as torch.relu
    }
  }
  return storageOf(out, x.dtype);
}

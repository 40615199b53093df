import { numel } from '../../core/shape.js';
import type { Storage, View } from '../backend.js';
import { contiguousData, storageOf } from './strided.js';

/** Ascending order with NaN last, as torch.sort: NaN compares above +inf. */
function ascending(a: number, b: number): number {
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts each line along `dim` independently; Array.prototype.sort is stable, so ties keep input order. */
export function argsort(x: View, dim: number, descending: boolean): Storage {
  const src = contiguousData(x);
  const size = x.shape[dim] ?? 1;
  const inner = numel(x.shape.slice(dim + 1));
  const outer = numel(x.shape.slice(0, dim));
  const out = new Int32Array(src.length);
  const order = Array.from({ length: size }, (_, i) => i);
  const line = new Float64Array(size);
  const cmp = descending ? (i: number, j: number) => ascending(line[j], line[i]) : (i: number, j: number) => ascending(line[i], line[j]);
  for (let o = 0; o < outer; o++) {
    for (let r = 0; r < inner; r++) {
      const base = o * size * inner + r;
      for (let i = 0; i < size; i++) {
        line[i] = src[base + i * inner];
        order[i] = i;
      }
      order.sort(cmp);
      for (let i = 0; i < size; i++) out[base + i * inner] = order[i];
    }
  }
  return storageOf(out, 'int32');
}

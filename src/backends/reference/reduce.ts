import { allocArray, type DType } from '../../core/dtype.js';
import { numel } from '../../core/shape.js';
import type { ReduceOp, Storage, View } from '../backend.js';
import { contiguousData, storageOf } from './strided.js';

/** Reorders the view so kept dims come first and `reduced` dims last; rows of the result are reduced. */
function rowsOf(x: View, reduced: readonly number[]): { data: ArrayLike<number>; rows: number; len: number } {
  const kept = x.shape.map((_, i) => i).filter((i) => !reduced.includes(i));
  const order = [...kept, ...reduced];
  const view: View = { ...x, shape: order.map((i) => x.shape[i]), strides: order.map((i) => x.strides[i]) };
  const len = numel(reduced.map((i) => x.shape[i]));
  const rows = numel(kept.map((i) => x.shape[i]));
  return { data: contiguousData(view), rows, len };
}

export function reduce(op: ReduceOp, x: View, dims: readonly number[], outDtype: DType): Storage {
  const { data, rows, len } = rowsOf(x, dims);
  const out = allocArray(outDtype, rows);
  for (let r = 0; r < rows; r++) {
    const base = r * len;
    let acc = op === 'sum' ? 0 : op === 'prod' ? 1 : op === 'max' ? -Infinity : Infinity;
    for (let j = 0; j < len; j++) {
      const v = data[base + j];
      if (op === 'sum') acc += v;
      else if (op === 'prod') acc *= v;
      else if (v !== v) { acc = NaN; break; }
      else if (op === 'max' ? v > acc : v < acc) acc = v;
    }
    out[r] = acc;
  }
  return storageOf(out, outDtype);
}

export function argReduce(op: 'argmax' | 'argmin', x: View, dim: number): Storage {
  const { data, rows, len } = rowsOf(x, [dim]);
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const base = r * len;
    let best = 0;
    let bv = data[base];
    for (let j = 1; j < len && bv === bv; j++) {
      const v = data[base + j];
      if (v !== v || (op === 'argmax' ? v > bv : v < bv)) { best = j; bv = v; }
    }
    out[r] = best;
  }
  return storageOf(out, 'int32');
}

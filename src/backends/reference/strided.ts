import { allocArray, type DType, type TypedArray } from '../../core/dtype.js';
import { numel, type Shape } from '../../core/shape.js';
import { CpuStorage, type Storage, type View } from '../backend.js';

export function cpuData(s: Storage): TypedArray {
  if (!(s instanceof CpuStorage)) throw new Error(`reference backend: expected a CPU tensor, got one on '${s.device}'`);
  return s.data;
}

export function isContiguous(shape: Shape, strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

/**
 * Walks a strided layout in row-major order, calling `visit(outIndex, storageOffset)` one row at a time
 * through the inner loop, so the per-element work stays a plain indexed loop.
 */
function walkRows(shape: Shape, strides: readonly number[], offset: number, row: (o: number, base: number, len: number, step: number) => void): void {
  const nd = shape.length;
  const total = numel(shape);
  if (total === 0) return;
  if (nd === 0) return row(0, offset, 1, 1);
  const len = shape[nd - 1];
  const step = strides[nd - 1];
  const idx = new Array<number>(nd).fill(0);
  let base = offset;
  for (let o = 0; o < total; o += len) {
    row(o, base, len, step);
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      base += strides[d];
      if (idx[d] < shape[d]) break;
      base -= strides[d] * shape[d];
      idx[d] = 0;
    }
  }
}

/** The view's elements in row-major order: the storage itself when already contiguous, else a gathered copy. */
export function contiguousData(v: View): TypedArray {
  const src = cpuData(v.storage);
  const n = numel(v.shape);
  if (isContiguous(v.shape, v.strides)) return src.subarray(v.offset, v.offset + n);
  const out = allocArray(v.dtype, n);
  walkRows(v.shape, v.strides, v.offset, (o, base, len, step) => {
    for (let j = 0; j < len; j++) out[o + j] = src[base + j * step];
  });
  return out;
}

/** Writes `values` (row-major, numel(dst.shape) long) through the strided view `dst`. */
export function writeStrided(dst: View, values: ArrayLike<number>, accumulate: boolean): void {
  const out = cpuData(dst.storage);
  // a dense overwrite is one block copy (an optimizer writing every parameter back each step)
  if (!accumulate && isContiguous(dst.shape, dst.strides) && ArrayBuffer.isView(values) && values.length === numel(dst.shape)) {
    out.set(values as TypedArray, dst.offset);
    return;
  }
  walkRows(dst.shape, dst.strides, dst.offset, (o, base, len, step) => {
    if (accumulate) for (let j = 0; j < len; j++) out[base + j * step] += values[o + j];
    else for (let j = 0; j < len; j++) out[base + j * step] = values[o + j];
  });
}

/** Converts element values into a fresh array of `dtype`, with bool as "non-zero". */
export function convert(values: TypedArray, dtype: DType): TypedArray {
  const out = allocArray(dtype, values.length);
  if (dtype === 'bool') for (let i = 0; i < values.length; i++) out[i] = values[i] !== 0 ? 1 : 0;
  else out.set(values);
  return out;
}

export function storageOf(data: TypedArray, dtype: DType): CpuStorage {
  return new CpuStorage(data, dtype);
}

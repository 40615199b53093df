import { allocArray, type DType } from '../../core/dtype.js';
import { contiguousStrides, numel, type Shape } from '../../core/shape.js';
import type { Storage, View } from '../backend.js';
import { contiguousData, storageOf } from './strided.js';

/** Splits a shape around `dim` into (outer, size, inner) so an index along dim is outer·size·inner arithmetic. */
function around(shape: Shape, dim: number): [number, number, number] {
  return [numel(shape.slice(0, dim)), shape[dim], numel(shape.slice(dim + 1))];
}

function checkIndex(i: number, size: number, op: string): void {
  if (i < 0 || i >= size) throw new RangeError(`${op}: index ${i} is out of bounds for dimension of size ${size}`);
}

export function gather(x: View, dim: number, index: View): Storage {
  const src = contiguousData(x);
  const idx = contiguousData(index);
  const [outer, size, inner] = around(index.shape, dim);
  const [, xsize, xinner] = around(x.shape, dim);
  const xs = contiguousStrides(x.shape);
  const is = contiguousStrides(index.shape);
  const out = allocArray(x.dtype, idx.length);
  for (let o = 0; o < outer; o++) {
    for (let s = 0; s < size; s++) {
      for (let r = 0; r < inner; r++) {
        const pos = (o * size + s) * inner + r;
        const i = idx[pos];
        checkIndex(i, xsize, 'gather');
        // the same (outer, inner) coordinates in x, which may be larger than index outside dim
        out[pos] = src[outerOffset(o, index.shape, dim, is, xs) + i * xinner + innerOffset(r, index.shape, dim, xs)];
      }
    }
  }
  return storageOf(out, x.dtype);
}

/** Offset in x of the outer coordinate block `o` of the index tensor. */
function outerOffset(o: number, ishape: Shape, dim: number, _is: readonly number[], xs: readonly number[]): number {
  let off = 0;
  for (let d = dim - 1; d >= 0; d--) {
    off += (o % ishape[d]) * xs[d];
    o = Math.floor(o / ishape[d]);
  }
  return off;
}

function innerOffset(r: number, ishape: Shape, dim: number, xs: readonly number[]): number {
  let off = 0;
  for (let d = ishape.length - 1; d > dim; d--) {
    off += (r % ishape[d]) * xs[d];
    r = Math.floor(r / ishape[d]);
  }
  return off;
}

export function scatterAdd(shape: Shape, dim: number, index: View, src: View, dtype: DType): Storage {
  const idx = contiguousData(index);
  const vals = contiguousData(src);
  const out = allocArray(dtype, numel(shape));
  const [outer, size, inner] = around(index.shape, dim);
  const os = contiguousStrides(shape);
  const is = contiguousStrides(index.shape);
  for (let o = 0; o < outer; o++) {
    for (let s = 0; s < size; s++) {
      for (let r = 0; r < inner; r++) {
        const pos = (o * size + s) * inner + r;
        const i = idx[pos];
        checkIndex(i, shape[dim], 'scatterAdd');
        out[outerOffset(o, index.shape, dim, is, os) + i * os[dim] + innerOffset(r, index.shape, dim, os)] += vals[pos];
      }
    }
  }
  return storageOf(out, dtype);
}

import { allocArray, type DType, type TypedArray } from '../../core/dtype.js';
import { numel } from '../../core/shape.js';
import type { Backend, Kernels, Storage, View } from '../backend.js';
import { channelAffine } from './channel-affine.js';
import { activationBackward } from './activation.js';
import { im2colConvKernels } from './conv.js';
import { binary, unary, where } from './elementwise.js';
import { col2im, im2col } from './im2col.js';
import { gather, scatterAdd } from './indexing.js';
import { linear } from './linear.js';
import { matmul } from './matmul.js';
import { maxPool, maxPoolBackward } from './pool.js';
import { argReduce, reduce } from './reduce.js';
import { scaleAdd_ } from './scale-add.js';
import { argsort } from './sort.js';
import { erf } from './special.js';
import { contiguousData, convert, cpuData, storageOf, writeStrided } from './strided.js';

function copy(x: View, dtype: DType): Storage {
  const src = contiguousData(x);
  if (dtype !== x.dtype) return storageOf(convert(src, dtype), dtype);
  // contiguousData returns the storage itself for contiguous views: never hand that out as a copy
  return storageOf(src.buffer === cpuData(x.storage).buffer ? src.slice() : src, dtype);
}

function fill(dtype: DType, length: number, value: number): Storage {
  return storageOf(allocArray(dtype, length).fill(value), dtype);
}

function assign(dst: View, src: View, accumulate: boolean): void {
  // reading and writing one storage (x.copy_(x.t())) must read everything first
  const values = src.storage === dst.storage ? contiguousData(src).slice() : contiguousData(src);
  if (numel(dst.shape) !== values.length) throw new Error(`assign: source has ${values.length} elements, destination ${numel(dst.shape)}`);
  writeStrided(dst, dst.dtype === src.dtype ? values : convert(values, dst.dtype), accumulate);
}

/** The kernels of the reference backend: plain TypeScript, the oracle every other backend is tested against. */
export const referenceKernels: Kernels = {
  copy, fill, unary, binary, where, reduce, argReduce, matmul, gather, scatterAdd, assign, erf, activationBackward, linear, scaleAdd_,
  ...im2colConvKernels, im2col, col2im, maxPool, maxPoolBackward, channelAffine, argsort,
};

export const referenceBackend: Backend = {
  name: 'reference',
  device: 'cpu',
  kernels: referenceKernels,
  fromHost: (data: TypedArray, dtype: DType) => storageOf(data, dtype),
  readSync: (s: Storage) => cpuData(s).slice(),
  read: async (s: Storage) => cpuData(s).slice(),
};

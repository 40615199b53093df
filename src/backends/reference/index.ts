import { allocArray, type DType, type TypedArray } from '../../core/dtype.js';
import { numel } from '../../core/shape.js';
import { CpuStorage, type AllKernels, type Backend, type Kernels, type Storage, type View } from '../backend.js';
import { onDevice } from '../host-device.js';
import { channelAffine } from './channel-affine.js';
import { activationBackward } from './activation.js';
import { convKernels } from './conv.js';
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

/**
 * The kernels of the reference backend: plain TypeScript that follows each definition (direct convolution, the
 * matmul triple loop, im2col entry by entry), the oracle every other backend is tested against. Fast paths
 * (im2col + blocked GEMM, Winograd, SIMD) belong to the wasm and native backends, not here.
 */
export const referenceKernels: AllKernels = {
  copy, fill, unary, binary, where, reduce, argReduce, matmul, gather, scatterAdd, assign, erf, activationBackward, linear, scaleAdd_,
  ...convKernels, im2col, col2im, maxPool, maxPoolBackward, channelAffine, argsort,
};

/** A host-memory backend named `name` over `kernels`; `sync` says whether it answers synchronous reads. */
export function hostBackend(name: string, kernels: Kernels, sync: boolean): Backend {
  const read = (s: Storage): TypedArray => {
    if (s.device !== name) throw new Error(`${name} backend: expected a ${name} storage, got one on '${s.device}'`);
    return cpuData(s).slice();
  };
  return {
    name,
    device: name,
    kernels: onDevice(kernels, name),
    // host memory takes the caller's fresh array as it is: an upload without a copy
    fromHost: (data: TypedArray, dtype: DType) => new CpuStorage(data, dtype, name),
    read: async (s: Storage) => read(s),
    ...(sync ? { readSync: read } : {}),
  };
}

export const referenceBackend: Backend = hostBackend('reference', referenceKernels, true);

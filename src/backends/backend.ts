import type { DType, TypedArray } from '../core/dtype.js';
import type { Shape } from '../core/shape.js';

/**
 * Where a tensor's elements live. CPU backends share one storage type (a typed array), so the
 * reference and wasm backends can run kernels on each other's tensors without copies; a GPU
 * backend brings its own storage class and its own `device` name.
 */
export interface Storage {
  readonly device: string;
  readonly dtype: DType;
  readonly length: number;
}

export class CpuStorage implements Storage {
  readonly device = 'cpu';
  constructor(readonly data: TypedArray, readonly dtype: DType) {}
  get length(): number {
    return this.data.length;
  }
}

/** A strided window onto a storage: what every kernel receives. */
export interface View {
  readonly storage: Storage;
  readonly dtype: DType;
  readonly shape: Shape;
  readonly strides: readonly number[];
  readonly offset: number;
}

export type UnaryOp =
  | 'neg' | 'abs' | 'exp' | 'log' | 'log1p' | 'expm1' | 'sqrt' | 'rsqrt' | 'sin' | 'cos' | 'tanh'
  | 'sigmoid' | 'relu' | 'sign' | 'floor' | 'ceil' | 'round' | 'not' | 'isfinite' | 'reciprocal' | 'square';
export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'and' | 'or'
  | 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le' | 'floordiv' | 'remainder';
export type ReduceOp = 'sum' | 'prod' | 'max' | 'min';

/**
 * The primitive kernels every backend implements. Ops (src/ops) validate arguments, compute output
 * shapes and record gradients; a kernel only computes. Every kernel returns a fresh contiguous storage
 * except `assign`, which writes into `dst` in place. Families of kernels added by later modules
 * (convolution, pooling, ...) extend this interface through declaration merging in their own files.
 */
export interface Kernels {
  /** A contiguous copy of `x` converted to `dtype`. */
  copy(x: View, dtype: DType): Storage;
  fill(dtype: DType, length: number, value: number): Storage;
  unary(op: UnaryOp, x: View, outDtype: DType): Storage;
  /** `a` and `b` are already broadcast to `outShape` (stride 0 on broadcast dims). */
  binary(op: BinaryOp, a: View, b: View, outDtype: DType): Storage;
  where(cond: View, a: View, b: View, outDtype: DType): Storage;
  /** Reduces over `dims` (sorted, unique); the result has `x.shape` without those dims. */
  reduce(op: ReduceOp, x: View, dims: readonly number[], outDtype: DType): Storage;
  /** Index (int32) of the first maximum / minimum along `dim`; the result drops `dim`. */
  argReduce(op: 'argmax' | 'argmin', x: View, dim: number): Storage;
  /** Batched matrix product: a [B,M,K] times b [B,K,N] into a contiguous [B,M,N]. */
  matmul(a: View, b: View, outDtype: DType): Storage;
  /** out[i][j][k] = x[index[i][j][k]][j][k] for dim 0, as torch.gather; `index` is int32 with out's shape. */
  gather(x: View, dim: number, index: View): Storage;
  /** A zero tensor of `shape` with `src` added at `index` along `dim`, as torch.scatter_add. */
  scatterAdd(shape: Shape, dim: number, index: View, src: View, dtype: DType): Storage;
  /** dst = src (or dst += src when `accumulate`), in place; src is broadcast to dst.shape already. */
  assign(dst: View, src: View, accumulate: boolean): void;
}

export interface Backend {
  readonly name: string;
  /** Storages of this device can be used by the backend's kernels directly. */
  readonly device: string;
  readonly kernels: Kernels;
  fromHost(data: TypedArray, dtype: DType): Storage;
  /** A host copy of the storage's elements; CPU backends answer synchronously. */
  readSync(storage: Storage): TypedArray;
  read(storage: Storage): Promise<TypedArray>;
  /** Asynchronous start-up that `ready()` waits for after construction (a thread pool); optional. */
  warmUp?(): Promise<void>;
}

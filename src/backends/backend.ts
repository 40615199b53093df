/**
 * The backend contract, in one file: what a backend stores, the primitive kernels it must implement, and the
 * fast paths it may add. Ops (src/ops) validate arguments, compute output shapes and record gradients; a
 * kernel only computes. A backend never imports from ops/: the defaults of the optional kernels are written
 * with ops in the ops layer, which runs them whenever a backend leaves a fast path out.
 */
import type { DType, TypedArray } from '../core/dtype.js';
import type { Shape } from '../core/shape.js';
import type { ConvGeometry, MaxPoolResult, PoolWindows, Triple } from './conv-kernels.js';

/** Where a tensor's elements live: one backend's memory. `device` is the name of that backend. */
export interface Storage {
  readonly device: string;
  readonly dtype: DType;
  readonly length: number;
}

/**
 * Host memory: a typed array. The CPU backends (reference, wasm) and the strict test backend share this class
 * and their kernels read each other's arrays, but each tags its storages with its own device, so a tensor
 * always says which backend it belongs to.
 */
export class CpuStorage implements Storage {
  #data: TypedArray;
  constructor(data: TypedArray, readonly dtype: DType, public device = 'reference') {
    this.#data = data;
  }
  /** The elements; an accessor so that a backend may hand out a view it re-derives (wasm's resident storages). */
  get data(): TypedArray {
    return this.#data;
  }
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
 * Which activation gradient, given the output gradient g, the saved tensor s and a parameter p:
 * - threshold: s <= p ? 0 : g (s is ReLU's output or input; NaN in s passes g, as in PyTorch)
 * - leakyRelu: s > 0 ? g : g·p (s is the input, p the negative slope)
 * - sigmoid:   g·(1 - s)·s (s is the output)
 * - tanh:      g·(1 - s²) (s is the output)
 */
export type ActivationGrad = 'threshold' | 'leakyRelu' | 'sigmoid' | 'tanh';

/** An activation applied in a convolution's or linear layer's epilogue, after the bias (ReLU: x <= 0 ? 0 : x, NaN stays NaN). */
export type EpilogueActivation = 'relu';

/**
 * One optimiser's update of one parameter, with this step's scalars as the op sequence uses them (host doubles,
 * rounded to the parameter's dtype where they meet it). `state` views, in this order, are updated in place:
 * - sgd: [momentumBuffer] when momentum ≠ 0 (`firstStep`: the buffer becomes d, as PyTorch's clone), else [];
 * - adam: [expAvg, expAvgSq, maxExpAvgSq?] (the last with amsgrad); `decay` is AdamW's p·(1 - lr·weightDecay)
 *   factor, applied first, or null for Adam's L2 penalty;
 * - rmsprop: [squareAvg, momentumBuffer?, gradAvg?] (momentum > 0, centered);
 * - adagrad: [sum], `lr` being this step's decayed rate.
 */
export type OptimizerUpdate =
  | { kind: 'sgd'; lr: number; momentum: number; dampening: number; nesterov: boolean; weightDecay: number; maximize: boolean; firstStep: boolean }
  | {
    kind: 'adam'; lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; decay: number | null; amsgrad: boolean;
    maximize: boolean; stepSize: number; bias2Sqrt: number;
  }
  | { kind: 'rmsprop'; lr: number; alpha: number; eps: number; weightDecay: number; momentum: number; centered: boolean; maximize: boolean }
  | { kind: 'adagrad'; lr: number; eps: number; weightDecay: number; maximize: boolean };

/**
 * The primitives every backend implements: with these alone every op, layer, loss and optimiser runs.
 * Every kernel returns a fresh contiguous storage except `assign`, which writes into `dst` in place.
 */
export interface RequiredKernels {
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
  /** The Gauss error function, elementwise (GELU needs it exactly). */
  erf(x: View, outDtype: DType): Storage;
  /**
   * y[N, O, oD, oH, oW] = conv(x[N, C, D, H, W], w[O, C/groups, kD, kH, kW]) + bias[O]. Every convolution
   * rank is this 5-D case (conv1d and conv2d with singleton leading spatial dims).
   */
  conv(x: View, w: View, bias: View | null, geom: ConvGeometry): Storage;
  /** The maximum of each window (NaN wins, as in PyTorch) and where it was. */
  maxPool(x: View, windows: PoolWindows): MaxPoolResult;
}

/**
 * Fast paths. Each has a default written with ops (src/ops) that gives the same result up to rounding, so a
 * new backend runs everything without them and adds them one at a time, each checked against the reference.
 */
export interface OptionalKernels {
  /** out[M,N] = x[M,K] · weight[N,K]ᵀ (+ bias[N] on every row). Default: matmul and add. */
  linear(x: View, weight: View, bias: View | null, outDtype: DType): Storage;
  /** activation(x · weightᵀ + bias) with the activation in the GEMM's epilogue. Default: linear, then the activation op. */
  linearActivation(x: View, weight: View, bias: View | null, outDtype: DType, activation: EpilogueActivation): Storage;
  /** activation(conv(x, w) + bias), the bias and the activation in the epilogue. Default: conv, then the activation op. */
  convActivation(x: View, w: View, bias: View | null, geom: ConvGeometry, activation: EpilogueActivation): Storage;
  /**
   * relu?((conv(x, w) + bias)·scale[o] + shift[o] + residual): a convolution with BatchNorm's inference affine,
   * ResNet's shortcut and the ReLU in its epilogue, each step rounded as the separate ops round (for ck.fuse; not
   * differentiated: with autograd recording the ops run in turn). Default: conv, then channelAffine.
   */
  convChannelAffine(
    x: View, w: View, bias: View | null, geom: ConvGeometry, scale: View, shift: View | null, residual: View | null, relu: boolean,
  ): Storage;
  /**
   * relu?(x·scale[c] + shift[c] + residual) over x [N, C, ...], each step rounded as the separate ops round
   * (BatchNorm's affine end, with ResNet's shortcut and ReLU fused in). Default: mul, add, add, relu.
   */
  channelAffine(x: View, scale: View, shift: View | null, residual: View | null, relu: boolean): Storage;
  /** One activation gradient, elementwise over two views of one shape. Default: where, mul, sub. */
  activationBackward(op: ActivationGrad, grad: View, saved: View, param: number, outDtype: DType): Storage;
  /**
   * x ← alpha·x + beta·y through x's view, y of x's shape and dtype. Each product is rounded to the dtype
   * (the scalars too), then their sum: what the separate mul and add ops give, bit for bit. Default: those ops.
   */
  scaleAdd_(x: View, alpha: number, y: View, beta: number): void;
  /** The patches of x as columns: [N, C·kD·kH·kW, oD·oH·oW] (groups is ignored). Default: gather. */
  im2col(x: View, geom: ConvGeometry): Storage;
  /** The adjoint of im2col: sums columns [N, C·kD·kH·kW, L] back into [N, C, ...inSize]. Default: scatterAdd. */
  col2im(cols: View, channels: number, geom: ConvGeometry): Storage;
  /** dL/dx [N, C, ...inSize] from dL/dy [N, O, ...outSize]. Default: matmul of Wᵀ and dY, then col2im. */
  convBackwardInput(gy: View, w: View, geom: ConvGeometry): Storage;
  /** dL/dw [O, C/groups, ...kernelSize] from x and dL/dy. Default: dY·im2col(x)ᵀ summed over the batch. */
  convBackwardWeight(x: View, gy: View, geom: ConvGeometry): Storage;
  /** dL/dx [N, C, ...inSize] of a max pooling: each output's gradient added at its `indices` position. Default: scatterAdd. */
  maxPoolBackward(gy: View, indices: View, inSize: Triple): Storage;
  /**
   * int32 positions that order `x` along `dim` (NaN sorts above every number, as in PyTorch), contiguous, of x's
   * shape; equal values keep their input order (stable). The primitive behind sort, argsort, topk and unique; no
   * default: a backend without it reports those ops as unsupported.
   */
  argsort(x: View, dim: number, descending: boolean): Storage;
  /**
   * One optimiser step of one parameter in place, param and state through their views, in one pass: the
   * products and sums rounded as the separate ops round them. Default: the optimiser's op sequence (src/optim).
   */
  optimizerStep(update: OptimizerUpdate, param: View, grad: View, state: readonly View[]): void;
  /**
   * BatchNorm's batch statistics: per channel of x [N, C, ...], the mean and the biased variance over every other
   * dim, two [C] storages of x's dtype. Default: mean, sub, mul, mean (src/nn/batchnorm.ts).
   */
  batchNormStatistics(x: View): [Storage, Storage];
  /**
   * BatchNorm's backward sums: per channel, Σ gy and Σ gy·(x − mean[c]) over every dim but 1, two [C] storages.
   * Default: sum, sub, mul, sum (src/nn/batchnorm.ts).
   */
  batchNormBackwardSums(gy: View, x: View, mean: View): [Storage, Storage];
}

/** A backend's kernel table: every primitive, and the fast paths it has. */
export type Kernels = RequiredKernels & Partial<OptionalKernels>;

/**
 * Every kernel: the reference backend's table, which the fast backends start from. It has no `optimizerStep`, no
 * activation epilogues and no BatchNorm reductions: the reference runs the textbook op sequences, the defaults every fusion is tested against.
 */
export type AllKernels = RequiredKernels & Omit<OptionalKernels, 'optimizerStep' | 'linearActivation' | 'convActivation' | 'convChannelAffine' | BatchNormKernels>;

/** BatchNorm's training reductions: the reference computes them with ops, the textbook definition. */
type BatchNormKernels = 'batchNormStatistics' | 'batchNormBackwardSums';

/** The names of the optional kernels, for tables and tests. */
export const OPTIONAL_KERNELS: readonly (keyof OptionalKernels)[] = [
  'linear', 'channelAffine', 'activationBackward', 'scaleAdd_', 'im2col', 'col2im', 'convBackwardInput', 'convBackwardWeight', 'maxPoolBackward',
  'argsort', 'optimizerStep', 'linearActivation', 'convActivation', 'convChannelAffine',
  'batchNormStatistics', 'batchNormBackwardSums',
];

export const REQUIRED_KERNELS: readonly (keyof RequiredKernels)[] = [
  'copy', 'fill', 'unary', 'binary', 'where', 'reduce', 'argReduce', 'matmul', 'gather', 'scatterAdd', 'assign', 'erf', 'conv', 'maxPool',
];

export interface Backend {
  /** The backend's name, which is also the `device` of the tensors it holds. */
  readonly name: string;
  readonly device: string;
  /** The dtypes its storage holds when not all of them (WGSL has no float64); the others are refused with "<dtype> is not supported on <device>". */
  readonly dtypes?: readonly DType[];
  readonly kernels: Kernels;
  /** A storage on this device holding a copy of `data` (upload). */
  fromHost(data: TypedArray, dtype: DType): Storage;
  /** A host copy of the storage's elements (download); every backend has it. */
  read(storage: Storage): Promise<TypedArray>;
  /** The same, synchronously: only devices whose memory the host reads directly (CPU) have it. */
  readSync?(storage: Storage): TypedArray;
  /**
   * For devices whose memory the garbage collector does not free (a GPU): a function that frees this storage's
   * memory, called once by dispose, a scope's end, or the FinalizationRegistry after the storage is collected,
   * so it must not hold the storage itself. Host-memory backends leave it out; one whose storages are partly
   * collected by the garbage collector (wasm: typed arrays, and blocks of WebAssembly memory) answers null for those.
   */
  releaser?(storage: Storage): (() => void) | null;
  /** Asynchronous start-up that `ready()` waits for after construction (a thread pool); optional. */
  warmUp?(): Promise<void>;
}

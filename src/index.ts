/** convkit's public surface: `import * as ck from 'convkit'`. */
import { referenceBackend } from './backends/reference/index.js';
import { registerBackend } from './backends/registry.js';
import { registerWasmBackend } from './backends/wasm/index.js';
import { grad, gradcheck } from './ops/index.js';

registerBackend(referenceBackend);
registerWasmBackend();

export { Tensor } from './core/tensor.js';
export type { NestedArray } from './core/tensor.js';
export type { DType, TypedArray } from './core/dtype.js';
export { noGrad, enableGrad, isGradEnabled } from './core/autograd.js';
export { manualSeed, Generator, defaultGenerator } from './core/random.js';
export { printOptions } from './core/format.js';
export { scope, keep, memoryStats } from './core/memory.js';
export type { DeviceMemory } from './core/memory.js';
export { setBackend, getBackend, ready, withBackend, registerBackend, registerLazyBackend, backendNames } from './backends/registry.js';
export { setNumThreads, getNumThreads } from './backends/threads.js';
export type { Backend, Kernels, RequiredKernels, OptionalKernels, Storage, View } from './backends/backend.js';
export {
  tensor, zeros, ones, empty, full, rand, randn, randint, randperm, arange, linspace, eye,
  zerosLike, onesLike, emptyLike, fullLike, randLike, randnLike, randintLike,
  add, sub, mul, div, pow, maximum, minimum, floorDivide, remainder, eq, ne, gt, ge, lt, le,
  logicalAnd, logicalOr, logicalNot, neg, abs, sign, exp, expm1, log, log1p, sqrt, rsqrt, sin, cos, tanh,
  sigmoid, relu, reciprocal, square, floor, ceil, round, isfinite, clamp, where,
  sum, mean, prod, amax, amin, max, min, argmax, argmin, variance as var, std, logsumexp, all, any, countNonzero,
  matmul, linear, reshape, view, flatten, unflatten, permute, transpose, t, expand, squeeze, unsqueeze,
  narrow, slice, select, index, contiguous, clone, detach, to,
  cat, stack, split, chunk, gather, indexSelect, scatterAdd, erf,
} from './ops/index.js';
export type { TensorOptions, RandomOptions, NestedNumbers, IndexSpec, Dims, ValuesIndices, VarOptions, TensorOrScalar, GradOptions, GradcheckOptions } from './ops/index.js';
export * as conv from './conv/index.js';

export * as nn from './nn/index.js';
export * as optim from './optim/index.js';

/** torch.autograd's functional entry points. */
export const autograd = { grad, gradcheck };
export * as io from './io/index.js';
export { summary } from './summary/index.js';
export type { Summary, SummaryRow, SummaryOptions } from './summary/index.js';
export * as models from './models/index.js';
export { fuse } from './models/fuse.js';
export * as data from './data/index.js';
export * as train from './train/index.js';

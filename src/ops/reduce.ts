import type { ReduceOp } from '../backends/backend.js';
import { record } from '../core/autograd.js';
import { isFloating, type DType } from '../core/dtype.js';
import { fmt, normDim, normDims, numel, shapesEqual, type Shape } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { check, define, is, parseArgs, signature, withSignature, type ArgsOf } from '../core/args.js';
import { describe, kernels, wrap } from './dispatch.js';
import { add, div, eq, exp, isfinite, log, maximum, minimum, mul, ne, sqrt, sub, where } from './elementwise.js';
import { gather } from './indexing.js';
import { detach, expand, reshape, squeeze, unsqueeze } from './views.js';

export type Dims = number | readonly number[];

function checkTensor(x: unknown, op: string): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${describe(x)}`);
}

/** The shape `x` has after reducing `dims` with keepdim. */
function keptShape(shape: Shape, dims: readonly number[]): number[] {
  return shape.map((s, i) => (dims.includes(i) ? 1 : s));
}

/** Broadcasts a reduced gradient (or value) back over the reduced dims. */
function unreduce(g: Tensor, inputShape: Shape, dims: readonly number[]): Tensor {
  return expand(reshape(g, keptShape(inputShape, dims)), inputShape);
}

function reduceRaw(op: ReduceOp, name: string, x: Tensor, dims: number[], keepdim: boolean, dtype: DType): Tensor {
  if ((op === 'max' || op === 'min') && dims.some((d) => x.shape[d] === 0)) {
    throw new RangeError(`${name}: cannot reduce over a zero-size dimension of ${fmt(x.shape)}`);
  }
  const shape = x.shape.filter((_, i) => !dims.includes(i));
  const out = wrap(kernels(name, x).reduce(op, x, dims, dtype), shape, dtype);
  return keepdim ? reshape(out, keptShape(x.shape, dims)) : out;
}

/** Sums gradients over the broadcast dims so they match `shape` (the inverse of broadcasting). */
export function sumToShape(g: Tensor, shape: Shape): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const dims = g.shape.map((_, i) => i).filter((i) => i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1));
  return reshape(sumImpl(g, dims, true), shape);
}

function sumImpl(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  checkTensor(x, 'sum');
  const dims = normDims(dim, x.ndim, 'sum');
  const dtype = isFloating(x.dtype) ? x.dtype : 'int32';
  const out = reduceRaw('sum', 'sum', x, dims, keepdim, dtype);
  return record('SumBackward1', out, [x], (g) => [unreduce(g, x.shape, dims)]);
}

function meanImpl(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  checkTensor(x, 'mean');
  if (!isFloating(x.dtype)) throw new TypeError(`mean: could not infer output dtype; input dtype must be floating, got ${x.dtype}`);
  const dims = normDims(dim, x.ndim, 'mean');
  return div(sumImpl(x, dims, keepdim), numel(dims.map((d) => x.shape[d])));
}

function prodImpl(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  checkTensor(x, 'prod');
  const dims = normDims(dim, x.ndim, 'prod');
  const out = reduceRaw('prod', 'prod', x, dims, keepdim, isFloating(x.dtype) ? x.dtype : 'int32');
  return record('ProdBackward1', out, [x], (g) => {
    // zero-safe: a zero's gradient is the product of the others when it is the only zero in its group
    const isZero = eq(x, 0);
    const zeros = unreduce(sumImpl(isZero, dims, true), x.shape, dims);
    const others = unreduce(prodImpl(where(isZero, 1, detach(x)), dims, true), x.shape, dims);
    const local = where(isZero, where(eq(zeros, 1), others, 0), where(eq(zeros, 0), div(others, where(isZero, 1, x)), 0));
    return [mul(unreduce(g, x.shape, dims), local)];
  });
}

function extremum(op: 'max' | 'min', name: string, x: Tensor, dim: Dims | undefined, keepdim: boolean): Tensor {
  checkTensor(x, name);
  const dims = normDims(dim, x.ndim, name);
  const out = reduceRaw(op, name, x, dims, keepdim, x.dtype);
  if (!isFloating(x.dtype)) return out;
  return record(`${name[0].toUpperCase()}${name.slice(1)}Backward0`, out, [x], (g) => {
    // ties share the gradient evenly, as torch.amax does
    const hit = eq(x, unreduce(detach(out), x.shape, dims));
    const count = sumImpl(hit, dims, true);
    return [div(mul(unreduce(g, x.shape, dims), where(hit, 1, 0)), count)];
  });
}

const amaxImpl = (x: Tensor, dim?: Dims, keepdim = false): Tensor => extremum('max', 'amax', x, dim, keepdim);
const aminImpl = (x: Tensor, dim?: Dims, keepdim = false): Tensor => extremum('min', 'amin', x, dim, keepdim);

function argExtremum(op: 'argmax' | 'argmin', x: Tensor, dim: number | undefined, keepdim: boolean): Tensor {
  checkTensor(x, op);
  if (dim === undefined) {
    if (x.numel() === 0) throw new RangeError(`${op}: expected a non-empty tensor`);
    const flat = reshape(x, [x.numel()]);
    const out = wrap(kernels(op, x).argReduce(op, flat, 0), [], 'int32');
    return keepdim ? reshape(out, x.shape.map(() => 1)) : out;
  }
  const d = normDim(dim, x.ndim, op);
  if (x.ndim > 0 && x.shape[d] === 0) throw new RangeError(`${op}: cannot reduce over a zero-size dimension of ${fmt(x.shape)}`);
  const src = x.ndim === 0 ? reshape(x, [1]) : x;
  const out = wrap(kernels(op, x).argReduce(op, src, d), x.shape.filter((_, i) => i !== d), 'int32');
  return keepdim ? unsqueeze(out, d) : out;
}

const argmaxImpl = (x: Tensor, dim?: number, keepdim = false): Tensor => argExtremum('argmax', x, dim, keepdim);
const argminImpl = (x: Tensor, dim?: number, keepdim = false): Tensor => argExtremum('argmin', x, dim, keepdim);

/** PyTorch's (values, indices) named tuple: `const [v, i] = x.max(1)` and `x.max(1).values` both work. */
export type ValuesIndices = readonly [Tensor, Tensor] & { readonly values: Tensor; readonly indices: Tensor };

export function valuesIndices(values: Tensor, indices: Tensor): ValuesIndices {
  return Object.assign([values, indices] as const, { values, indices });
}

function extremumWithIndices(op: 'argmax' | 'argmin', x: Tensor, dim: number, keepdim: boolean): ValuesIndices {
  const d = normDim(dim, x.ndim, op === 'argmax' ? 'max' : 'min');
  const indices = argExtremum(op, x, d, true);
  const values = x.ndim === 0 ? x : gather(x, d, indices);
  if (keepdim || x.ndim === 0) return valuesIndices(values, x.ndim === 0 ? reshape(indices, []) : indices);
  return valuesIndices(squeeze(values, d), squeeze(indices, d));
}

const DIM_OR_OTHER = check<number | Tensor>('a dim (integer) or a Tensor (elementwise, as torch.maximum)', (v) => Number.isInteger(v) || v instanceof Tensor);
const MAX_SIG = signature('max', 'torch.', [['input', is.tensor]], [['dim', DIM_OR_OTHER], ['keepdim', is.bool]]);
const MIN_SIG = signature('min', 'torch.', [['input', is.tensor]], [['dim', DIM_OR_OTHER], ['keepdim', is.bool]]);

/** torch.max's three forms: the largest element; (values, indices) along dim; the elementwise maximum with a tensor. */
function extremumOf(op: 'max' | 'min', args: ArrayLike<unknown>): Tensor | ValuesIndices {
  const { input, dim, keepdim = false } = parseArgs(op === 'max' ? MAX_SIG : MIN_SIG, args);
  if (dim instanceof Tensor) {
    if (args.length > 2) throw new TypeError(`${op}: keepdim only applies with a dim, not with a tensor to compare with`);
    return op === 'max' ? maximum(input, dim) : minimum(input, dim);
  }
  if (dim === undefined) return op === 'max' ? amaxImpl(input) : aminImpl(input);
  return extremumWithIndices(op === 'max' ? 'argmax' : 'argmin', input, dim, keepdim);
}

/** max(x) is the largest element; max(x, dim) returns (values, indices) as torch.max; max(x, other) is maximum. */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, other: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(x: Tensor, dim: number, opts: { keepdim?: boolean }): ValuesIndices;
export function max(...args: unknown[]): Tensor | ValuesIndices {
  return extremumOf('max', args);
}

export function min(x: Tensor): Tensor;
export function min(x: Tensor, other: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(x: Tensor, dim: number, opts: { keepdim?: boolean }): ValuesIndices;
export function min(...args: unknown[]): Tensor | ValuesIndices {
  return extremumOf('min', args);
}
withSignature(max, MAX_SIG);
withSignature(min, MIN_SIG);

export interface VarOptions {
  /** false divides by n (the biased estimate), true (the default) by n - 1. */
  unbiased?: boolean;
  correction?: number;
  keepdim?: boolean;
}

/** torch.var's dim also takes unbiased (`x.var(false)`), as PyTorch's overload var(unbiased). */
const DIM_OR_UNBIASED = check<Dims | boolean | null>('a dim, an array of dims, null or a boolean (unbiased)', (v) => v === null || typeof v === 'boolean' || is.dims.test(v));
const VAR_SIG = signature('var', 'torch.', [['input', is.tensor]], [['dim', DIM_OR_UNBIASED], ['unbiased', is.bool], ['keepdim', is.bool]], [['correction', is.int]]);
const STD_SIG = signature('std', 'torch.', VAR_SIG.required, VAR_SIG.optional, VAR_SIG.keyword);

/** The divisor's correction from unbiased or correction (PyTorch refuses both at once). */
function correctionOf(op: string, unbiased: boolean | undefined, correction: number | undefined): number {
  if (unbiased !== undefined && correction !== undefined) throw new TypeError(`${op}: give unbiased or correction, not both`);
  return correction ?? (unbiased === false ? 0 : 1);
}

/** Variance with Bessel's correction by default (correction 1), as torch.var. */
function varianceOf(op: string, x: Tensor, dimOrUnbiased: Dims | boolean | null | undefined, o: VarOptions): Tensor {
  checkTensor(x, op);
  const unbiased = typeof dimOrUnbiased === 'boolean' ? dimOrUnbiased : o.unbiased;
  const dims = normDims(typeof dimOrUnbiased === 'boolean' || dimOrUnbiased === null ? undefined : dimOrUnbiased, x.ndim, op);
  const n = numel(dims.map((d) => x.shape[d]));
  const centred = sub(x, meanImpl(x, dims, true));
  return div(sumImpl(mul(centred, centred), dims, o.keepdim ?? false), Math.max(0, n - correctionOf(op, unbiased, o.correction)));
}

export const variance = define(VAR_SIG, ({ input, dim, ...o }) => varianceOf('var', input, dim, o));
export const std = define(STD_SIG, ({ input, dim, ...o }) => sqrt(varianceOf('std', input, dim, o)));

/** log(sumImpl(exp(x))) computed without overflow: the maximum is subtracted first. */
function logsumexpImpl(x: Tensor, dim: Dims, keepdim = false): Tensor {
  checkTensor(x, 'logsumexp');
  const dims = normDims(dim, x.ndim, 'logsumexp');
  const m = detach(amaxImpl(x, dims, true));
  const shift = where(isfinite(m), m, 0);
  const out = add(log(sumImpl(exp(sub(x, shift)), dims, true)), shift);
  return keepdim ? out : reshape(out, x.shape.filter((_, i) => !dims.includes(i)));
}

/** Counts non-zero elements, as torch.count_nonzero. */
function countNonzeroImpl(x: Tensor, dim?: Dims): Tensor {
  return sumImpl(ne(x, 0), dim);
}

const allImpl = (x: Tensor, dim?: Dims, keepdim = false): Tensor => eq(sumImpl(eq(x, 0), dim, keepdim), 0);
const anyImpl = (x: Tensor, dim?: Dims, keepdim = false): Tensor => ne(sumImpl(ne(x, 0), dim, keepdim), 0);

// PyTorch's parameter lists (torch.sum(input, dim, keepdim), ...): the public forms, positional or with options
const reduction = (name: string, torch: string) => signature(name, torch, [['input', is.tensor]], [['dim', is.nullable(is.dims)], ['keepdim', is.bool]]);
const argReduction = (name: string, torch: string) => signature(name, torch, [['input', is.tensor]], [['dim', is.nullable(is.int)], ['keepdim', is.bool]]);
const undim = (d: Dims | null | undefined): Dims | undefined => d ?? undefined;
export const sum = define(reduction('sum', 'torch.'), ({ input, dim, keepdim }) => sumImpl(input, undim(dim), keepdim));
export const mean = define(reduction('mean', 'torch.'), ({ input, dim, keepdim }) => meanImpl(input, undim(dim), keepdim));
export const prod = define(reduction('prod', 'torch.'), ({ input, dim, keepdim }) => prodImpl(input, undim(dim), keepdim));
export const amax = define(reduction('amax', 'torch.'), ({ input, dim, keepdim }) => amaxImpl(input, undim(dim), keepdim));
export const amin = define(reduction('amin', 'torch.'), ({ input, dim, keepdim }) => aminImpl(input, undim(dim), keepdim));
export const all = define(reduction('all', 'torch.'), ({ input, dim, keepdim }) => allImpl(input, undim(dim), keepdim));
export const any = define(reduction('any', 'torch.'), ({ input, dim, keepdim }) => anyImpl(input, undim(dim), keepdim));
export const argmax = define(argReduction('argmax', 'torch.'), ({ input, dim, keepdim }) => argmaxImpl(input, dim ?? undefined, keepdim));
export const argmin = define(argReduction('argmin', 'torch.'), ({ input, dim, keepdim }) => argminImpl(input, dim ?? undefined, keepdim));
export const logsumexp = define(
  signature('logsumexp', 'torch.', [['input', is.tensor], ['dim', is.dims]], [['keepdim', is.bool]]),
  ({ input, dim, keepdim }) => logsumexpImpl(input, dim, keepdim),
);
export const countNonzero = define(signature('countNonzero', 'torch.', [['input', is.tensor]], [['dim', is.nullable(is.dims)]]), ({ input, dim }) => countNonzeroImpl(input, undim(dim)));

import type { ReduceOp } from '../backends/backend.js';
import { record } from '../core/autograd.js';
import { isFloating, type DType } from '../core/dtype.js';
import { fmt, normDim, normDims, numel, shapesEqual, type Shape } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { describe, kernels, wrap } from './dispatch.js';
import { add, div, eq, exp, isfinite, log, mul, ne, sqrt, sub, where } from './elementwise.js';
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
  return reshape(sum(g, dims, true), shape);
}

export function sum(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  checkTensor(x, 'sum');
  const dims = normDims(dim, x.ndim, 'sum');
  const dtype = isFloating(x.dtype) ? x.dtype : 'int32';
  const out = reduceRaw('sum', 'sum', x, dims, keepdim, dtype);
  return record('SumBackward1', out, [x], (g) => [unreduce(g, x.shape, dims)]);
}

export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  checkTensor(x, 'mean');
  if (!isFloating(x.dtype)) throw new TypeError(`mean: could not infer output dtype; input dtype must be floating, got ${x.dtype}`);
  const dims = normDims(dim, x.ndim, 'mean');
  return div(sum(x, dims, keepdim), numel(dims.map((d) => x.shape[d])));
}

export function prod(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  checkTensor(x, 'prod');
  const dims = normDims(dim, x.ndim, 'prod');
  const out = reduceRaw('prod', 'prod', x, dims, keepdim, isFloating(x.dtype) ? x.dtype : 'int32');
  return record('ProdBackward1', out, [x], (g) => {
    // zero-safe: a zero's gradient is the product of the others when it is the only zero in its group
    const isZero = eq(x, 0);
    const zeros = unreduce(sum(isZero, dims, true), x.shape, dims);
    const others = unreduce(prod(where(isZero, 1, detach(x)), dims, true), x.shape, dims);
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
    const count = sum(hit, dims, true);
    return [div(mul(unreduce(g, x.shape, dims), where(hit, 1, 0)), count)];
  });
}

export const amax = (x: Tensor, dim?: Dims, keepdim = false): Tensor => extremum('max', 'amax', x, dim, keepdim);
export const amin = (x: Tensor, dim?: Dims, keepdim = false): Tensor => extremum('min', 'amin', x, dim, keepdim);

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

export const argmax = (x: Tensor, dim?: number, keepdim = false): Tensor => argExtremum('argmax', x, dim, keepdim);
export const argmin = (x: Tensor, dim?: number, keepdim = false): Tensor => argExtremum('argmin', x, dim, keepdim);

export interface ValuesIndices {
  values: Tensor;
  indices: Tensor;
}

function extremumWithIndices(op: 'argmax' | 'argmin', x: Tensor, dim: number, keepdim: boolean): ValuesIndices {
  const d = normDim(dim, x.ndim, op === 'argmax' ? 'max' : 'min');
  const indices = argExtremum(op, x, d, true);
  const values = x.ndim === 0 ? x : gather(x, d, indices);
  return keepdim || x.ndim === 0 ? { values, indices: x.ndim === 0 ? reshape(indices, []) : indices } : { values: squeeze(values, d), indices: squeeze(indices, d) };
}

/** max(x) is the largest element; max(x, dim) returns { values, indices } as torch.max. */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  return dim === undefined ? amax(x) : extremumWithIndices('argmax', x, dim, keepdim);
}

export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  return dim === undefined ? amin(x) : extremumWithIndices('argmin', x, dim, keepdim);
}

export interface VarOptions {
  correction?: number;
  keepdim?: boolean;
}

/** Variance with Bessel's correction by default (correction 1), as torch.var. */
export function variance(x: Tensor, dim?: Dims, opts: VarOptions = {}): Tensor {
  checkTensor(x, 'var');
  const dims = normDims(dim, x.ndim, 'var');
  const n = numel(dims.map((d) => x.shape[d]));
  const centred = sub(x, mean(x, dims, true));
  return div(sum(mul(centred, centred), dims, opts.keepdim ?? false), Math.max(0, n - (opts.correction ?? 1)));
}

export function std(x: Tensor, dim?: Dims, opts: VarOptions = {}): Tensor {
  return sqrt(variance(x, dim, opts));
}

/** log(sum(exp(x))) computed without overflow: the maximum is subtracted first. */
export function logsumexp(x: Tensor, dim: Dims, keepdim = false): Tensor {
  checkTensor(x, 'logsumexp');
  const dims = normDims(dim, x.ndim, 'logsumexp');
  const m = detach(amax(x, dims, true));
  const shift = where(isfinite(m), m, 0);
  const out = add(log(sum(exp(sub(x, shift)), dims, true)), shift);
  return keepdim ? out : reshape(out, x.shape.filter((_, i) => !dims.includes(i)));
}

/** Counts non-zero elements, as torch.count_nonzero. */
export function countNonzero(x: Tensor, dim?: Dims): Tensor {
  return sum(ne(x, 0), dim);
}

export const all = (x: Tensor, dim?: Dims, keepdim = false): Tensor => eq(sum(eq(x, 0), dim, keepdim), 0);
export const any = (x: Tensor, dim?: Dims, keepdim = false): Tensor => ne(sum(ne(x, 0), dim, keepdim), 0);

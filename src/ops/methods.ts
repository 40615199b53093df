/**
 * Tensor methods, PyTorch style (`x.add(y)`, `x.sum(1)`), declared once. Most forward to the op of the same
 * name with the tensor as its first argument, so a method takes exactly the op's arguments and its type is
 * derived from the op's; the few whose name or argument order differ are written out in `adapted`. Both tables
 * are attached to the prototype here, above core, so that core/tensor.ts stays free of op imports, and the
 * Tensor interface derives from them: adding a method is one line.
 */
import type { BackwardOptions } from '../core/autograd.js';
import type { DType } from '../core/dtype.js';
import { Tensor } from '../core/tensor.js';
import type { TensorOrScalar } from './dispatch.js';
import * as E from './elementwise.js';
import * as I from './indexing.js';
import * as P from './inplace.js';
import * as M from './matmul.js';
import * as R from './reduce.js';
import * as V from './views.js';

/** Ops whose first argument is the tensor: `x.name(...rest)` is `name(x, ...rest)`. */
const forwarded = {
  add: E.add, sub: E.sub, mul: E.mul, div: E.div, pow: E.pow, maximum: E.maximum, minimum: E.minimum,
  remainder: E.remainder, floorDivide: E.floorDivide, eq: E.eq, ne: E.ne, gt: E.gt, ge: E.ge, lt: E.lt, le: E.le,
  logicalAnd: E.logicalAnd, logicalOr: E.logicalOr, logicalNot: E.logicalNot, neg: E.neg, abs: E.abs, sign: E.sign,
  exp: E.exp, expm1: E.expm1, log: E.log, log1p: E.log1p, sqrt: E.sqrt, rsqrt: E.rsqrt, sin: E.sin, cos: E.cos,
  tanh: E.tanh, sigmoid: E.sigmoid, relu: E.relu, reciprocal: E.reciprocal, square: E.square, floor: E.floor,
  ceil: E.ceil, round: E.round, isfinite: E.isfinite, clamp: E.clamp,
  sum: R.sum, mean: R.mean, prod: R.prod, amax: R.amax, amin: R.amin, argmax: R.argmax, argmin: R.argmin,
  std: R.std, logsumexp: R.logsumexp, all: R.all, any: R.any,
  matmul: M.matmul,
  reshape: V.reshape, view: V.view, flatten: V.flatten, unflatten: V.unflatten, permute: V.permute,
  transpose: V.transpose, t: V.t, expand: V.expand, expandAs: V.expandAs, squeeze: V.squeeze, unsqueeze: V.unsqueeze,
  narrow: V.narrow, slice: V.slice, select: V.select, index: V.index, contiguous: V.contiguous, clone: V.clone,
  detach: V.detach, to: V.to,
  split: I.split, chunk: I.chunk, gather: I.gather, indexSelect: I.indexSelect, scatterAdd: I.scatterAdd,
  copy_: P.copy_, fill_: P.fill_, zero_: P.zero_, add_: P.add_, sub_: P.sub_, mul_: P.mul_, div_: P.div_, clamp_: P.clamp_,
};

/** Methods whose op has another name, another argument order or overloads: their types, then their bodies. */
interface Adapted {
  where(cond: Tensor, other: TensorOrScalar): Tensor;
  var(dim?: R.Dims, opts?: R.VarOptions): Tensor;
  max(): Tensor;
  max(dim: number, keepdim?: boolean): R.ValuesIndices;
  min(): Tensor;
  min(dim: number, keepdim?: boolean): R.ValuesIndices;
  float(): Tensor;
  double(): Tensor;
  int(): Tensor;
  bool(): Tensor;
}

type Loose = (this: Tensor, ...args: never[]) => unknown;
const adapted: Record<keyof Adapted, Loose> = {
  where(cond: Tensor, other: TensorOrScalar) { return E.where(cond, this, other); },
  var(dim?: R.Dims, opts?: R.VarOptions) { return R.variance(this, dim, opts); },
  max(dim?: number, keepdim?: boolean) { return dim === undefined ? R.max(this) : R.max(this, dim, keepdim); },
  min(dim?: number, keepdim?: boolean) { return dim === undefined ? R.min(this) : R.min(this, dim, keepdim); },
  float() { return V.to(this, 'float32'); },
  double() { return V.to(this, 'float64'); },
  int() { return V.to(this, 'int32'); },
  bool() { return V.to(this, 'bool'); },
};

/** `(x: Tensor, ...rest) => R` as the method `(...rest) => R`. */
type AsMethod<F> = F extends (x: Tensor, ...rest: infer A) => infer R ? (...rest: A) => R : never;
type Forwarded = { [K in keyof typeof forwarded]: AsMethod<(typeof forwarded)[K]> };

declare module '../core/tensor.js' {
  // the methods' types are the tables' types: declared once, above
  interface Tensor extends Forwarded, Adapted {}
}

for (const [name, op] of Object.entries(forwarded)) {
  const fn = op as (x: Tensor, ...rest: unknown[]) => unknown;
  Object.defineProperty(Tensor.prototype, name, { value: function (this: Tensor, ...rest: unknown[]) { return fn(this, ...rest); }, writable: true, configurable: true });
}
for (const [name, fn] of Object.entries(adapted)) {
  Object.defineProperty(Tensor.prototype, name, { value: fn, writable: true, configurable: true });
}

export type { BackwardOptions, DType };

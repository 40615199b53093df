/**
 * Tensor methods, PyTorch style (`x.add(y)`, `x.sum(1)`), delegating to the ops. They are attached to the
 * prototype here, above core, so that core/tensor.ts stays free of op imports; adding a method is one line
 * in the table (methods-table.ts says how its type becomes the Tensor interface's).
 */
import type { BackwardOptions } from '../core/autograd.js';
import type { DType } from '../core/dtype.js';
import { Tensor } from '../core/tensor.js';
import type { TensorOrScalar } from './dispatch.js';
import * as E from './elementwise.js';
import * as I from './indexing.js';
import * as P from './inplace.js';
import * as M from './matmul.js';
import { index as indexOf } from './masked.js';
import * as R from './reduce.js';
import * as V from './views.js';
import { attachMethods, method, methodsOf, type MethodsOf } from './methods-table.js';

/** max and min: the whole tensor, elementwise against another, or along a dim with indices (torch's overloads). */
interface ExtremumMethod {
  (): Tensor;
  (other: Tensor): Tensor;
  (dim: number, keepdim?: boolean): R.ValuesIndices;
  (dim: number, opts: { keepdim?: boolean }): R.ValuesIndices;
}

/**
 * The ops whose method is the op with the tensor first (`x.sum(1)` is `sum(x, 1)`), by module. Their types come
 * from `typeof module` picked by these tables' keys: a mapped type, resolved lazily, so `Tensor` can extend it
 * although the ops' own types mention Tensor. Each op is named as `E.add`, which a bundler turns into a plain
 * reference; picking by name strings would make it build the module's whole namespace object in the bundle.
 */
const ELEMENTWISE = {
  add: E.add, sub: E.sub, mul: E.mul, div: E.div, pow: E.pow, maximum: E.maximum, minimum: E.minimum,
  remainder: E.remainder, floorDivide: E.floorDivide, eq: E.eq, ne: E.ne, gt: E.gt, ge: E.ge, lt: E.lt, le: E.le,
  logicalAnd: E.logicalAnd, logicalOr: E.logicalOr, logicalNot: E.logicalNot, neg: E.neg, abs: E.abs, sign: E.sign,
  exp: E.exp, expm1: E.expm1, log: E.log, log1p: E.log1p, sqrt: E.sqrt, rsqrt: E.rsqrt, sin: E.sin, cos: E.cos,
  tanh: E.tanh, sigmoid: E.sigmoid, relu: E.relu, reciprocal: E.reciprocal, square: E.square, floor: E.floor,
  ceil: E.ceil, round: E.round, isfinite: E.isfinite, clamp: E.clamp,
};
const REDUCTIONS = {
  sum: R.sum, mean: R.mean, prod: R.prod, amax: R.amax, amin: R.amin, argmax: R.argmax, argmin: R.argmin, std: R.std,
  logsumexp: R.logsumexp, all: R.all, any: R.any,
};
const MATMUL = {
  matmul: M.matmul,
};
const VIEWS = {
  reshape: V.reshape, view: V.view, permute: V.permute, expand: V.expand, flatten: V.flatten, unflatten: V.unflatten,
  transpose: V.transpose, t: V.t, expandAs: V.expandAs, squeeze: V.squeeze, unsqueeze: V.unsqueeze, narrow: V.narrow,
  slice: V.slice, select: V.select, contiguous: V.contiguous, clone: V.clone, detach: V.detach, to: V.to,
};
const INDEXING = {
  split: I.split, chunk: I.chunk, gather: I.gather, indexSelect: I.indexSelect, scatterAdd: I.scatterAdd,
};
const IN_PLACE = {
  copy_: P.copy_, fill_: P.fill_, zero_: P.zero_, add_: P.add_, sub_: P.sub_, mul_: P.mul_, div_: P.div_,
  clamp_: P.clamp_,
};

/** Ops that are methods under another name: torch's `var` is a reserved word for a module export. */
const renamed = { var: R.variance };
type Renamed = { var: typeof R.variance };

/** A conversion that takes nothing (x.float()): an argument would be ignored, so it is refused. */
function conversion(name: string, dtype: DType): (this: Tensor) => Tensor {
  return function (this: Tensor, ...args: unknown[]): Tensor {
    if (args.length > 0) throw new TypeError(`Tensor.${name}: takes no arguments, got ${args.length}; for a dtype or a device use x.to(...)`);
    return V.to(this, dtype);
  };
}

/** The methods that are not that: other argument orders, overloads, argument-free conversions. */
const otherMethods = {
  /** `x.where(cond, other)`: x where cond holds, other elsewhere (torch.where(cond, x, other)). */
  where(this: Tensor, cond: Tensor, other: TensorOrScalar, ...rest: never[]): Tensor { return (E.where as (...a: unknown[]) => Tensor)(cond, this, other, ...rest); },
  max: method(R.max) as ExtremumMethod,
  min: method(R.min) as ExtremumMethod,
  /** Basic and advanced indexing in one call: integers, slices, null, index tensors, boolean masks. */
  index: method(indexOf),
  float: conversion('float', 'float32'),
  double: conversion('double', 'float64'),
  int: conversion('int', 'int32'),
  bool: conversion('bool', 'bool'),
};

attachMethods(methodsOf(ELEMENTWISE));
attachMethods(methodsOf(REDUCTIONS));
attachMethods(methodsOf(MATMUL));
attachMethods(methodsOf(VIEWS));
attachMethods(methodsOf(INDEXING));
attachMethods(methodsOf(IN_PLACE));
attachMethods(methodsOf(renamed));
attachMethods(otherMethods);

type OpMethods = MethodsOf<Pick<typeof E, keyof typeof ELEMENTWISE>> & MethodsOf<Pick<typeof R, keyof typeof REDUCTIONS>>
  & MethodsOf<Pick<typeof M, keyof typeof MATMUL>> & MethodsOf<Pick<typeof V, keyof typeof VIEWS>>
  & MethodsOf<Pick<typeof I, keyof typeof INDEXING>> & MethodsOf<Pick<typeof P, keyof typeof IN_PLACE>> & MethodsOf<Renamed>;
type OtherMethods = typeof otherMethods;
declare module '../core/tensor.js' {
  // the table above is the only list of these methods: the interface takes their signatures from it
  // eslint-disable-next-line @typescript-eslint/no-empty-interface
  interface Tensor extends OpMethods, OtherMethods {}
}

/**
 * `out += x`, `a * b`, `x < 0` on tensors would silently compute on strings or NaN (JavaScript converts both
 * sides to primitives): refuse with the method to call. Text conversion (`${x}`, String(x)) still formats.
 */
Object.defineProperty(Tensor.prototype, Symbol.toPrimitive, {
  value(this: Tensor, hint: 'string' | 'number' | 'default'): string {
    if (hint === 'string') return this.toString();
    throw new TypeError(
      'Tensor: JavaScript operators (+, -, *, /, +=, <, ...) do not work on tensors; call the method instead: ' +
        '`out = out.add(x)` for `out += x`, `a.mul(b)`, `a.sub(b)`, `a.div(b)`, `x.lt(0)`. For a number use x.item(); for text, x.toString()',
    );
  },
  writable: true,
  configurable: true,
});

export type { BackwardOptions };

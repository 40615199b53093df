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
import { attachMethods, method, methodsOf, pick, type MethodsOf } from './methods-table.js';

/** max and min: the whole tensor, elementwise against another, or along a dim with indices (torch's overloads). */
interface ExtremumMethod {
  (): Tensor;
  (other: Tensor): Tensor;
  (dim: number, keepdim?: boolean): R.ValuesIndices;
  (dim: number, opts: { keepdim?: boolean }): R.ValuesIndices;
}

/**
 * The ops whose method is the op with the tensor first (`x.sum(1)` is `sum(x, 1)`), by module. Their types come
 * from `typeof module` picked by these names: unlike an object literal of the functions, that type is resolved
 * lazily, so `Tensor` can extend it although the ops' own types mention Tensor.
 */
const ELEMENTWISE = [
  'add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'remainder', 'floorDivide', 'eq', 'ne', 'gt', 'ge', 'lt',
  'le', 'logicalAnd', 'logicalOr', 'logicalNot', 'neg', 'abs', 'sign', 'exp', 'expm1', 'log', 'log1p', 'sqrt',
  'rsqrt', 'sin', 'cos', 'tanh', 'sigmoid', 'relu', 'reciprocal', 'square', 'floor', 'ceil', 'round', 'isfinite',
  'clamp',
] as const;
const REDUCTIONS = [
  'sum', 'mean', 'prod', 'amax', 'amin', 'argmax', 'argmin', 'std', 'logsumexp', 'all', 'any',
] as const;
const MATMUL = [
  'matmul',
] as const;
const VIEWS = [
  'reshape', 'view', 'permute', 'expand', 'flatten', 'unflatten', 'transpose', 't', 'expandAs', 'squeeze',
  'unsqueeze', 'narrow', 'slice', 'select', 'contiguous', 'clone', 'detach', 'to',
] as const;
const INDEXING = [
  'split', 'chunk', 'gather', 'indexSelect', 'scatterAdd',
] as const;
const IN_PLACE = [
  'copy_', 'fill_', 'zero_', 'add_', 'sub_', 'mul_', 'div_', 'clamp_',
] as const;

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

attachMethods(methodsOf(pick(E, ELEMENTWISE)));
attachMethods(methodsOf(pick(R, REDUCTIONS)));
attachMethods(methodsOf(pick(M, MATMUL)));
attachMethods(methodsOf(pick(V, VIEWS)));
attachMethods(methodsOf(pick(I, INDEXING)));
attachMethods(methodsOf(pick(P, IN_PLACE)));
attachMethods(methodsOf(renamed));
attachMethods(otherMethods);

type OpMethods = MethodsOf<Pick<typeof E, (typeof ELEMENTWISE)[number]>> & MethodsOf<Pick<typeof R, (typeof REDUCTIONS)[number]>>
  & MethodsOf<Pick<typeof M, (typeof MATMUL)[number]>> & MethodsOf<Pick<typeof V, (typeof VIEWS)[number]>>
  & MethodsOf<Pick<typeof I, (typeof INDEXING)[number]>> & MethodsOf<Pick<typeof P, (typeof IN_PLACE)[number]>> & MethodsOf<Renamed>;
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

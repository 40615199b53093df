/**
 * Tensor methods, PyTorch style (`x.add(y)`, `x.sum(1)`), delegating to the ops. They are attached to the
 * prototype here, above core, so that core/tensor.ts stays free of op imports.
 */
import type { BackwardOptions } from '../core/autograd.js';
import type { DType } from '../core/dtype.js';
import { Tensor } from '../core/tensor.js';
import type { TensorOrScalar } from './dispatch.js';
import * as E from './elementwise.js';
import * as I from './indexing.js';
import * as P from './inplace.js';
import * as M from './matmul.js';
import { index as indexOf, type AdvancedIndexSpec } from './masked.js';
import * as R from './reduce.js';
import * as V from './views.js';

/** A method's arguments: its function's, without the tensor itself (`x.var(1, false)` for `var(x, 1, false)`). */
type Tail<T> = T extends readonly [unknown, ...infer R] ? R : never;
type MethodArgs<F> = F extends (...args: infer A) => unknown ? Tail<A> : never;
/** Shapes as PyTorch takes them: `x.view(-1, 800)` or `x.view([-1, 800])`. */
type ShapeArgs = [shape: readonly number[]] | number[];

declare module '../core/tensor.js' {
  interface Tensor {
    add(...args: MethodArgs<typeof E.add>): Tensor;
    sub(...args: MethodArgs<typeof E.sub>): Tensor;
    mul(...args: MethodArgs<typeof E.mul>): Tensor;
    div(...args: MethodArgs<typeof E.div>): Tensor;
    pow(...args: MethodArgs<typeof E.pow>): Tensor;
    maximum(...args: MethodArgs<typeof E.maximum>): Tensor;
    minimum(...args: MethodArgs<typeof E.minimum>): Tensor;
    remainder(...args: MethodArgs<typeof E.remainder>): Tensor;
    floorDivide(...args: MethodArgs<typeof E.floorDivide>): Tensor;
    eq(...args: MethodArgs<typeof E.eq>): Tensor;
    ne(...args: MethodArgs<typeof E.ne>): Tensor;
    gt(...args: MethodArgs<typeof E.gt>): Tensor;
    ge(...args: MethodArgs<typeof E.ge>): Tensor;
    lt(...args: MethodArgs<typeof E.lt>): Tensor;
    le(...args: MethodArgs<typeof E.le>): Tensor;
    logicalAnd(...args: MethodArgs<typeof E.logicalAnd>): Tensor;
    logicalOr(...args: MethodArgs<typeof E.logicalOr>): Tensor;
    logicalNot(...args: MethodArgs<typeof E.logicalNot>): Tensor;
    neg(...args: MethodArgs<typeof E.neg>): Tensor;
    abs(...args: MethodArgs<typeof E.abs>): Tensor;
    sign(...args: MethodArgs<typeof E.sign>): Tensor;
    exp(...args: MethodArgs<typeof E.exp>): Tensor;
    expm1(...args: MethodArgs<typeof E.expm1>): Tensor;
    log(...args: MethodArgs<typeof E.log>): Tensor;
    log1p(...args: MethodArgs<typeof E.log1p>): Tensor;
    sqrt(...args: MethodArgs<typeof E.sqrt>): Tensor;
    rsqrt(...args: MethodArgs<typeof E.rsqrt>): Tensor;
    sin(...args: MethodArgs<typeof E.sin>): Tensor;
    cos(...args: MethodArgs<typeof E.cos>): Tensor;
    tanh(...args: MethodArgs<typeof E.tanh>): Tensor;
    sigmoid(...args: MethodArgs<typeof E.sigmoid>): Tensor;
    relu(...args: MethodArgs<typeof E.relu>): Tensor;
    reciprocal(...args: MethodArgs<typeof E.reciprocal>): Tensor;
    square(...args: MethodArgs<typeof E.square>): Tensor;
    floor(...args: MethodArgs<typeof E.floor>): Tensor;
    ceil(...args: MethodArgs<typeof E.ceil>): Tensor;
    round(...args: MethodArgs<typeof E.round>): Tensor;
    isfinite(...args: MethodArgs<typeof E.isfinite>): Tensor;
    clamp(...args: MethodArgs<typeof E.clamp>): Tensor;
    where(cond: Tensor, other: TensorOrScalar): Tensor;
    sum(...args: MethodArgs<typeof R.sum>): Tensor;
    mean(...args: MethodArgs<typeof R.mean>): Tensor;
    prod(...args: MethodArgs<typeof R.prod>): Tensor;
    amax(...args: MethodArgs<typeof R.amax>): Tensor;
    amin(...args: MethodArgs<typeof R.amin>): Tensor;
    max(): Tensor;
    max(other: Tensor): Tensor;
    max(dim: number, keepdim?: boolean): R.ValuesIndices;
    max(dim: number, opts: { keepdim?: boolean }): R.ValuesIndices;
    min(): Tensor;
    min(other: Tensor): Tensor;
    min(dim: number, keepdim?: boolean): R.ValuesIndices;
    min(dim: number, opts: { keepdim?: boolean }): R.ValuesIndices;
    argmax(...args: MethodArgs<typeof R.argmax>): Tensor;
    argmin(...args: MethodArgs<typeof R.argmin>): Tensor;
    var(...args: MethodArgs<typeof R.variance>): Tensor;
    std(...args: MethodArgs<typeof R.std>): Tensor;
    logsumexp(...args: MethodArgs<typeof R.logsumexp>): Tensor;
    all(...args: MethodArgs<typeof R.all>): Tensor;
    any(...args: MethodArgs<typeof R.any>): Tensor;
    matmul(...args: MethodArgs<typeof M.matmul>): Tensor;
    reshape(...shape: ShapeArgs): Tensor;
    view(...shape: ShapeArgs): Tensor;
    flatten(...args: MethodArgs<typeof V.flatten>): Tensor;
    unflatten(...args: MethodArgs<typeof V.unflatten>): Tensor;
    permute(...shape: ShapeArgs): Tensor;
    transpose(...args: MethodArgs<typeof V.transpose>): Tensor;
    t(...args: MethodArgs<typeof V.t>): Tensor;
    expand(...shape: ShapeArgs): Tensor;
    expandAs(...args: MethodArgs<typeof V.expandAs>): Tensor;
    squeeze(...args: MethodArgs<typeof V.squeeze>): Tensor;
    unsqueeze(...args: MethodArgs<typeof V.unsqueeze>): Tensor;
    narrow(...args: MethodArgs<typeof V.narrow>): Tensor;
    slice(...args: MethodArgs<typeof V.slice>): Tensor;
    select(...args: MethodArgs<typeof V.select>): Tensor;
    index(...specs: AdvancedIndexSpec[]): Tensor;
    split(...args: MethodArgs<typeof I.split>): Tensor[];
    chunk(...args: MethodArgs<typeof I.chunk>): Tensor[];
    gather(...args: MethodArgs<typeof I.gather>): Tensor;
    indexSelect(...args: MethodArgs<typeof I.indexSelect>): Tensor;
    scatterAdd(...args: MethodArgs<typeof I.scatterAdd>): Tensor;
    contiguous(...args: MethodArgs<typeof V.contiguous>): Tensor;
    clone(...args: MethodArgs<typeof V.clone>): Tensor;
    detach(...args: MethodArgs<typeof V.detach>): Tensor;
    to(...args: MethodArgs<typeof V.to>): Tensor;
    float(): Tensor;
    double(): Tensor;
    int(): Tensor;
    bool(): Tensor;
    copy_(...args: MethodArgs<typeof P.copy_>): Tensor;
    fill_(...args: MethodArgs<typeof P.fill_>): Tensor;
    zero_(...args: MethodArgs<typeof P.zero_>): Tensor;
    add_(...args: MethodArgs<typeof P.add_>): Tensor;
    sub_(...args: MethodArgs<typeof P.sub_>): Tensor;
    mul_(...args: MethodArgs<typeof P.mul_>): Tensor;
    div_(...args: MethodArgs<typeof P.div_>): Tensor;
    clamp_(...args: MethodArgs<typeof P.clamp_>): Tensor;
  }
}

type Method = (this: Tensor, ...args: never[]) => unknown;
/** A method from its op: `x.op(...a)` is `op(x, ...a)`, so the op's signature checks the arguments. */
const call = (fn: unknown): Method => function (this: Tensor, ...args: unknown[]): unknown {
  return (fn as (...a: unknown[]) => unknown)(this, ...args);
};
type Fn = (...args: unknown[]) => Tensor;

/** A conversion method that takes nothing (x.float()): an argument would be ignored, so it is refused. */
const convert = (name: string, dtype: DType): Method => function (this: Tensor, ...args: unknown[]): Tensor {
  if (args.length > 0) throw new TypeError(`Tensor.${name}: takes no arguments, got ${args.length}; for a dtype or a device use x.to(...)`);
  return V.to(this, dtype);
};
const methods: Record<string, Method> = {
  add: call(E.add),
  sub: call(E.sub),
  mul: call(E.mul),
  div: call(E.div),
  pow: call(E.pow),
  maximum: call(E.maximum),
  minimum: call(E.minimum),
  remainder: call(E.remainder),
  floorDivide: call(E.floorDivide),
  eq: call(E.eq),
  ne: call(E.ne),
  gt: call(E.gt),
  ge: call(E.ge),
  lt: call(E.lt),
  le: call(E.le),
  logicalAnd: call(E.logicalAnd),
  logicalOr: call(E.logicalOr),
  logicalNot: call(E.logicalNot),
  neg: call(E.neg),
  abs: call(E.abs),
  sign: call(E.sign),
  exp: call(E.exp),
  expm1: call(E.expm1),
  log: call(E.log),
  log1p: call(E.log1p),
  sqrt: call(E.sqrt),
  rsqrt: call(E.rsqrt),
  sin: call(E.sin),
  cos: call(E.cos),
  tanh: call(E.tanh),
  sigmoid: call(E.sigmoid),
  relu: call(E.relu),
  reciprocal: call(E.reciprocal),
  square: call(E.square),
  floor: call(E.floor),
  ceil: call(E.ceil),
  round: call(E.round),
  isfinite: call(E.isfinite),
  clamp: call(E.clamp),
  where(cond: Tensor, ...rest: unknown[]) { return (E.where as (...a: unknown[]) => Tensor)(cond, this, ...rest); },
  sum(...a: unknown[]) { return (R.sum as Fn)(this, ...a); },
  mean(...a: unknown[]) { return (R.mean as Fn)(this, ...a); },
  prod(...a: unknown[]) { return (R.prod as Fn)(this, ...a); },
  amax(...a: unknown[]) { return (R.amax as Fn)(this, ...a); },
  amin(...a: unknown[]) { return (R.amin as Fn)(this, ...a); },
  max(...a: unknown[]) { return (R.max as (...args: unknown[]) => unknown)(this, ...a); },
  min(...a: unknown[]) { return (R.min as (...args: unknown[]) => unknown)(this, ...a); },
  argmax(...a: unknown[]) { return (R.argmax as Fn)(this, ...a); },
  argmin(...a: unknown[]) { return (R.argmin as Fn)(this, ...a); },
  var(...a: unknown[]) { return (R.variance as Fn)(this, ...a); },
  std(...a: unknown[]) { return (R.std as Fn)(this, ...a); },
  logsumexp(...a: unknown[]) { return (R.logsumexp as Fn)(this, ...a); },
  all(...a: unknown[]) { return (R.all as Fn)(this, ...a); },
  any(...a: unknown[]) { return (R.any as Fn)(this, ...a); },
  matmul: call(M.matmul),
  reshape: call(V.reshape),
  view: call(V.view),
  flatten: call(V.flatten),
  unflatten: call(V.unflatten),
  permute: call(V.permute),
  transpose: call(V.transpose),
  t: call(V.t),
  expand: call(V.expand),
  expandAs: call(V.expandAs),
  squeeze: call(V.squeeze),
  unsqueeze: call(V.unsqueeze),
  narrow: call(V.narrow),
  slice: call(V.slice),
  select: call(V.select),
  index: call(indexOf),
  split: call(I.split),
  chunk: call(I.chunk),
  gather: call(I.gather),
  indexSelect: call(I.indexSelect),
  scatterAdd: call(I.scatterAdd),
  contiguous: call(V.contiguous),
  clone: call(V.clone),
  detach: call(V.detach),
  to: call(V.to),
  float: convert('float', 'float32'),
  double: convert('double', 'float64'),
  int: convert('int', 'int32'),
  bool: convert('bool', 'bool'),
  copy_: call(P.copy_),
  fill_: call(P.fill_),
  zero_: call(P.zero_),
  add_: call(P.add_),
  sub_: call(P.sub_),
  mul_: call(P.mul_),
  div_: call(P.div_),
  clamp_: call(P.clamp_),
};

for (const [name, fn] of Object.entries(methods)) {
  Object.defineProperty(Tensor.prototype, name, { value: fn, writable: true, configurable: true });
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

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
import { advancedIndex, type AdvancedIndexSpec } from './masked.js';
import * as R from './reduce.js';
import * as V from './views.js';

/** A method's arguments: its function's, without the tensor itself (`x.var(1, false)` for `var(x, 1, false)`). */
type Tail<T> = T extends readonly [unknown, ...infer R] ? R : never;
type MethodArgs<F> = F extends (...args: infer A) => unknown ? Tail<A> : never;
/** Shapes as PyTorch takes them: `x.view(-1, 800)` or `x.view([-1, 800])`. */
type ShapeArgs = [shape: readonly number[]] | number[];

declare module '../core/tensor.js' {
  interface Tensor {
    add(other: TensorOrScalar): Tensor;
    sub(other: TensorOrScalar): Tensor;
    mul(other: TensorOrScalar): Tensor;
    div(other: TensorOrScalar): Tensor;
    pow(exponent: TensorOrScalar): Tensor;
    maximum(other: TensorOrScalar): Tensor;
    minimum(other: TensorOrScalar): Tensor;
    remainder(other: TensorOrScalar): Tensor;
    floorDivide(other: TensorOrScalar): Tensor;
    eq(other: TensorOrScalar): Tensor;
    ne(other: TensorOrScalar): Tensor;
    gt(other: TensorOrScalar): Tensor;
    ge(other: TensorOrScalar): Tensor;
    lt(other: TensorOrScalar): Tensor;
    le(other: TensorOrScalar): Tensor;
    logicalAnd(other: TensorOrScalar): Tensor;
    logicalOr(other: TensorOrScalar): Tensor;
    logicalNot(): Tensor;
    neg(): Tensor;
    abs(): Tensor;
    sign(): Tensor;
    exp(): Tensor;
    expm1(): Tensor;
    log(): Tensor;
    log1p(): Tensor;
    sqrt(): Tensor;
    rsqrt(): Tensor;
    sin(): Tensor;
    cos(): Tensor;
    tanh(): Tensor;
    sigmoid(): Tensor;
    relu(): Tensor;
    reciprocal(): Tensor;
    square(): Tensor;
    floor(): Tensor;
    ceil(): Tensor;
    round(): Tensor;
    isfinite(): Tensor;
    clamp(min?: TensorOrScalar | null, max?: TensorOrScalar | null): Tensor;
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
    matmul(other: Tensor): Tensor;
    reshape(...shape: ShapeArgs): Tensor;
    view(...shape: ShapeArgs): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    unflatten(dim: number, sizes: readonly number[]): Tensor;
    permute(...dims: ShapeArgs): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    t(): Tensor;
    expand(...shape: ShapeArgs): Tensor;
    expandAs(other: Tensor): Tensor;
    squeeze(dim?: number | readonly number[]): Tensor;
    unsqueeze(dim: number): Tensor;
    narrow(dim: number, start: number, length: number): Tensor;
    slice(dim: number, start?: number, end?: number, step?: number): Tensor;
    select(dim: number, index: number): Tensor;
    index(...specs: AdvancedIndexSpec[]): Tensor;
    split(sizes: number | readonly number[], dim?: number): Tensor[];
    chunk(chunks: number, dim?: number): Tensor[];
    gather(dim: number, index: Tensor): Tensor;
    indexSelect(dim: number, index: Tensor): Tensor;
    scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor;
    contiguous(): Tensor;
    clone(): Tensor;
    detach(): Tensor;
    to(target: DType | string, dtype?: DType): Tensor;
    float(): Tensor;
    double(): Tensor;
    int(): Tensor;
    bool(): Tensor;
    copy_(src: TensorOrScalar): Tensor;
    fill_(value: number): Tensor;
    zero_(): Tensor;
    add_(other: TensorOrScalar, alpha?: number): Tensor;
    sub_(other: TensorOrScalar, alpha?: number): Tensor;
    mul_(other: TensorOrScalar): Tensor;
    div_(other: TensorOrScalar): Tensor;
    clamp_(min?: number | null, max?: number | null): Tensor;
  }
}

type Method = (this: Tensor, ...args: never[]) => unknown;
type Fn = (...args: unknown[]) => Tensor;

/** One array, or the sizes as separate arguments (PyTorch's varargs); anything else is refused by the op. */
function shapeOf(op: string, args: ShapeArgs): readonly number[] {
  if (args.length === 1 && Array.isArray(args[0])) return args[0];
  if (args.some((a) => typeof a !== 'number')) {
    throw new TypeError(`Tensor.${op}: expected sizes as numbers (x.${op}(2, 3)) or one array (x.${op}([2, 3])), got ${args.map((a) => (Array.isArray(a) ? 'an array' : typeof a)).join(', ')}`);
  }
  return args as number[];
}
const methods: Record<string, Method> = {
  add(o: TensorOrScalar) { return E.add(this, o); },
  sub(o: TensorOrScalar) { return E.sub(this, o); },
  mul(o: TensorOrScalar) { return E.mul(this, o); },
  div(o: TensorOrScalar) { return E.div(this, o); },
  pow(o: TensorOrScalar) { return E.pow(this, o); },
  maximum(o: TensorOrScalar) { return E.maximum(this, o); },
  minimum(o: TensorOrScalar) { return E.minimum(this, o); },
  remainder(o: TensorOrScalar) { return E.remainder(this, o); },
  floorDivide(o: TensorOrScalar) { return E.floorDivide(this, o); },
  eq(o: TensorOrScalar) { return E.eq(this, o); },
  ne(o: TensorOrScalar) { return E.ne(this, o); },
  gt(o: TensorOrScalar) { return E.gt(this, o); },
  ge(o: TensorOrScalar) { return E.ge(this, o); },
  lt(o: TensorOrScalar) { return E.lt(this, o); },
  le(o: TensorOrScalar) { return E.le(this, o); },
  logicalAnd(o: TensorOrScalar) { return E.logicalAnd(this, o); },
  logicalOr(o: TensorOrScalar) { return E.logicalOr(this, o); },
  logicalNot() { return E.logicalNot(this); },
  neg() { return E.neg(this); },
  abs() { return E.abs(this); },
  sign() { return E.sign(this); },
  exp() { return E.exp(this); },
  expm1() { return E.expm1(this); },
  log() { return E.log(this); },
  log1p() { return E.log1p(this); },
  sqrt() { return E.sqrt(this); },
  rsqrt() { return E.rsqrt(this); },
  sin() { return E.sin(this); },
  cos() { return E.cos(this); },
  tanh() { return E.tanh(this); },
  sigmoid() { return E.sigmoid(this); },
  relu() { return E.relu(this); },
  reciprocal() { return E.reciprocal(this); },
  square() { return E.square(this); },
  floor() { return E.floor(this); },
  ceil() { return E.ceil(this); },
  round() { return E.round(this); },
  isfinite() { return E.isfinite(this); },
  clamp(min?: TensorOrScalar | null, max?: TensorOrScalar | null) { return E.clamp(this, min, max); },
  where(cond: Tensor, other: TensorOrScalar) { return E.where(cond, this, other); },
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
  matmul(o: Tensor) { return M.matmul(this, o); },
  reshape(...shape: ShapeArgs) { return V.reshape(this, shapeOf('reshape', shape)); },
  view(...shape: ShapeArgs) { return V.view(this, shapeOf('view', shape)); },
  flatten(s?: number, e?: number) { return V.flatten(this, s, e); },
  unflatten(dim: number, sizes: readonly number[]) { return V.unflatten(this, dim, sizes); },
  permute(...dims: ShapeArgs) { return V.permute(this, shapeOf('permute', dims)); },
  transpose(a: number, b: number) { return V.transpose(this, a, b); },
  t() { return V.t(this); },
  expand(...shape: ShapeArgs) { return V.expand(this, shapeOf('expand', shape)); },
  expandAs(o: Tensor) { return V.expandAs(this, o); },
  squeeze(dim?: number | readonly number[]) { return V.squeeze(this, dim); },
  unsqueeze(dim: number) { return V.unsqueeze(this, dim); },
  narrow(dim: number, start: number, length: number) { return V.narrow(this, dim, start, length); },
  slice(dim: number, start?: number, end?: number, step?: number) { return V.slice(this, dim, start, end, step); },
  select(dim: number, i: number) { return V.select(this, dim, i); },
  index(...specs: AdvancedIndexSpec[]) { return advancedIndex(this, specs); },
  split(sizes: number | readonly number[], dim?: number) { return I.split(this, sizes, dim); },
  chunk(chunks: number, dim?: number) { return I.chunk(this, chunks, dim); },
  gather(dim: number, index: Tensor) { return I.gather(this, dim, index); },
  indexSelect(dim: number, index: Tensor) { return I.indexSelect(this, dim, index); },
  scatterAdd(dim: number, index: Tensor, src: Tensor) { return I.scatterAdd(this, dim, index, src); },
  contiguous() { return V.contiguous(this); },
  clone() { return V.clone(this); },
  detach() { return V.detach(this); },
  to(target: DType | string, dtype?: DType) { return V.to(this, target, dtype); },
  float() { return V.to(this, 'float32'); },
  double() { return V.to(this, 'float64'); },
  int() { return V.to(this, 'int32'); },
  bool() { return V.to(this, 'bool'); },
  copy_(src: TensorOrScalar) { return P.copy_(this, src); },
  fill_(v: number) { return P.fill_(this, v); },
  zero_() { return P.zero_(this); },
  add_(o: TensorOrScalar, alpha?: number) { return P.add_(this, o, alpha); },
  sub_(o: TensorOrScalar, alpha?: number) { return P.sub_(this, o, alpha); },
  mul_(o: TensorOrScalar) { return P.mul_(this, o); },
  div_(o: TensorOrScalar) { return P.div_(this, o); },
  clamp_(min?: number | null, max?: number | null) { return P.clamp_(this, min, max); },
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

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
import * as R from './reduce.js';
import * as V from './views.js';

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
    sum(dim?: R.Dims, keepdim?: boolean): Tensor;
    mean(dim?: R.Dims, keepdim?: boolean): Tensor;
    prod(dim?: R.Dims, keepdim?: boolean): Tensor;
    amax(dim?: R.Dims, keepdim?: boolean): Tensor;
    amin(dim?: R.Dims, keepdim?: boolean): Tensor;
    max(): Tensor;
    max(dim: number, keepdim?: boolean): R.ValuesIndices;
    min(): Tensor;
    min(dim: number, keepdim?: boolean): R.ValuesIndices;
    argmax(dim?: number, keepdim?: boolean): Tensor;
    argmin(dim?: number, keepdim?: boolean): Tensor;
    var(dim?: R.Dims, opts?: R.VarOptions): Tensor;
    std(dim?: R.Dims, opts?: R.VarOptions): Tensor;
    logsumexp(dim: R.Dims, keepdim?: boolean): Tensor;
    all(dim?: R.Dims, keepdim?: boolean): Tensor;
    any(dim?: R.Dims, keepdim?: boolean): Tensor;
    matmul(other: Tensor): Tensor;
    reshape(shape: readonly number[]): Tensor;
    view(shape: readonly number[]): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    unflatten(dim: number, sizes: readonly number[]): Tensor;
    permute(dims: readonly number[]): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    t(): Tensor;
    expand(shape: readonly number[]): Tensor;
    expandAs(other: Tensor): Tensor;
    squeeze(dim?: number | readonly number[]): Tensor;
    unsqueeze(dim: number): Tensor;
    narrow(dim: number, start: number, length: number): Tensor;
    slice(dim: number, start?: number, end?: number, step?: number): Tensor;
    select(dim: number, index: number): Tensor;
    index(...specs: V.IndexSpec[]): Tensor;
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
  sum(dim?: R.Dims, keepdim?: boolean) { return R.sum(this, dim, keepdim); },
  mean(dim?: R.Dims, keepdim?: boolean) { return R.mean(this, dim, keepdim); },
  prod(dim?: R.Dims, keepdim?: boolean) { return R.prod(this, dim, keepdim); },
  amax(dim?: R.Dims, keepdim?: boolean) { return R.amax(this, dim, keepdim); },
  amin(dim?: R.Dims, keepdim?: boolean) { return R.amin(this, dim, keepdim); },
  max(dim?: number, keepdim?: boolean) { return dim === undefined ? R.max(this) : R.max(this, dim, keepdim); },
  min(dim?: number, keepdim?: boolean) { return dim === undefined ? R.min(this) : R.min(this, dim, keepdim); },
  argmax(dim?: number, keepdim?: boolean) { return R.argmax(this, dim, keepdim); },
  argmin(dim?: number, keepdim?: boolean) { return R.argmin(this, dim, keepdim); },
  var(dim?: R.Dims, opts?: R.VarOptions) { return R.variance(this, dim, opts); },
  std(dim?: R.Dims, opts?: R.VarOptions) { return R.std(this, dim, opts); },
  logsumexp(dim: R.Dims, keepdim?: boolean) { return R.logsumexp(this, dim, keepdim); },
  all(dim?: R.Dims, keepdim?: boolean) { return R.all(this, dim, keepdim); },
  any(dim?: R.Dims, keepdim?: boolean) { return R.any(this, dim, keepdim); },
  matmul(o: Tensor) { return M.matmul(this, o); },
  reshape(shape: readonly number[]) { return V.reshape(this, shape); },
  view(shape: readonly number[]) { return V.view(this, shape); },
  flatten(s?: number, e?: number) { return V.flatten(this, s, e); },
  unflatten(dim: number, sizes: readonly number[]) { return V.unflatten(this, dim, sizes); },
  permute(dims: readonly number[]) { return V.permute(this, dims); },
  transpose(a: number, b: number) { return V.transpose(this, a, b); },
  t() { return V.t(this); },
  expand(shape: readonly number[]) { return V.expand(this, shape); },
  expandAs(o: Tensor) { return V.expandAs(this, o); },
  squeeze(dim?: number | readonly number[]) { return V.squeeze(this, dim); },
  unsqueeze(dim: number) { return V.unsqueeze(this, dim); },
  narrow(dim: number, start: number, length: number) { return V.narrow(this, dim, start, length); },
  slice(dim: number, start?: number, end?: number, step?: number) { return V.slice(this, dim, start, end, step); },
  select(dim: number, i: number) { return V.select(this, dim, i); },
  index(...specs: V.IndexSpec[]) { return V.index(this, ...specs); },
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

export type { BackwardOptions };

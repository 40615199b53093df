import { allocArray, type DType } from '../../core/dtype.js';
import type { BinaryOp, Storage, UnaryOp, View } from '../backend.js';
import { contiguousData, storageOf } from './strided.js';

/** Round half to even, as torch.round does. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export const UNARY: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  abs: Math.abs,
  exp: Math.exp,
  log: Math.log,
  log1p: Math.log1p,
  expm1: Math.expm1,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  relu: (x) => (x <= 0 ? 0 : x), // NaN passes, as torch.relu
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN),
  floor: Math.floor,
  ceil: Math.ceil,
  round: roundHalfEven,
  not: (x) => (x ? 0 : 1),
  isfinite: (x) => (Number.isFinite(x) ? 1 : 0),
  reciprocal: (x) => 1 / x,
  square: (x) => x * x,
};

export const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: Math.pow,
  maximum: (a, b) => (a !== a || b !== b ? NaN : a > b ? a : b),
  minimum: (a, b) => (a !== a || b !== b ? NaN : a < b ? a : b),
  and: (a, b) => (a && b ? 1 : 0),
  or: (a, b) => (a || b ? 1 : 0),
  eq: (a, b) => (a === b ? 1 : 0),
  ne: (a, b) => (a !== b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
  ge: (a, b) => (a >= b ? 1 : 0),
  lt: (a, b) => (a < b ? 1 : 0),
  le: (a, b) => (a <= b ? 1 : 0),
  floordiv: (a, b) => Math.floor(a / b),
  remainder: (a, b) => {
    const r = a % b;
    return r !== 0 && r < 0 !== b < 0 ? r + b : r;
  },
};

export function unary(op: UnaryOp, x: View, outDtype: DType): Storage {
  const f = UNARY[op];
  const src = contiguousData(x);
  const out = allocArray(outDtype, src.length);
  for (let i = 0; i < src.length; i++) out[i] = f(src[i]);
  return storageOf(out, outDtype);
}

export function binary(op: BinaryOp, a: View, b: View, outDtype: DType): Storage {
  const f = BINARY[op];
  const x = contiguousData(a);
  const y = contiguousData(b);
  const out = allocArray(outDtype, x.length);
  for (let i = 0; i < x.length; i++) out[i] = f(x[i], y[i]);
  return storageOf(out, outDtype);
}

export function where(cond: View, a: View, b: View, outDtype: DType): Storage {
  const c = contiguousData(cond);
  const x = contiguousData(a);
  const y = contiguousData(b);
  const out = allocArray(outDtype, c.length);
  for (let i = 0; i < c.length; i++) out[i] = c[i] ? x[i] : y[i];
  return storageOf(out, outDtype);
}

/**
 * float32 elementwise kernels as one specialised loop per op over strided rows. They stay in JavaScript on
 * purpose: copying operands into WebAssembly memory and back costs as much as the arithmetic itself, and what
 * made the reference kernels slow is not JavaScript but a closure call per element and materialised broadcasts.
 * Every loop computes exactly the reference formula (in double, rounded to float32 on store), so the results
 * are bit-identical to the reference backend's.
 */
import { allocArray, type DType, type TypedArray } from '../../../core/dtype.js';
import { contiguousStrides, numel } from '../../../core/shape.js';
import type { BinaryOp, Kernels, Storage, UnaryOp, View } from '../../backend.js';
import { referenceKernels } from '../../reference/index.js';
import { cpuData, storageOf } from '../../reference/strided.js';
import { coalesce, forEachRow } from './rows.js';

type BinaryLoop = (o: TypedArray, oi: number, x: TypedArray, xi: number, xs: number, y: TypedArray, yi: number, ys: number, n: number) => void;
type UnaryLoop = (o: TypedArray, oi: number, x: TypedArray, xi: number, xs: number, n: number) => void;

const BINARY: Partial<Record<BinaryOp, BinaryLoop>> = {
  add: (o, oi, x, xi, xs, y, yi, ys, n) => { for (let j = 0; j < n; j++) o[oi + j] = x[xi + j * xs] + y[yi + j * ys]; },
  sub: (o, oi, x, xi, xs, y, yi, ys, n) => { for (let j = 0; j < n; j++) o[oi + j] = x[xi + j * xs] - y[yi + j * ys]; },
  mul: (o, oi, x, xi, xs, y, yi, ys, n) => { for (let j = 0; j < n; j++) o[oi + j] = x[xi + j * xs] * y[yi + j * ys]; },
  div: (o, oi, x, xi, xs, y, yi, ys, n) => { for (let j = 0; j < n; j++) o[oi + j] = x[xi + j * xs] / y[yi + j * ys]; },
  maximum: (o, oi, x, xi, xs, y, yi, ys, n) => {
    for (let j = 0; j < n; j++) {
      const a = x[xi + j * xs];
      const b = y[yi + j * ys];
      o[oi + j] = a !== a || b !== b ? NaN : a > b ? a : b;
    }
  },
  minimum: (o, oi, x, xi, xs, y, yi, ys, n) => {
    for (let j = 0; j < n; j++) {
      const a = x[xi + j * xs];
      const b = y[yi + j * ys];
      o[oi + j] = a !== a || b !== b ? NaN : a < b ? a : b;
    }
  },
  gt: (o, oi, x, xi, xs, y, yi, ys, n) => { for (let j = 0; j < n; j++) o[oi + j] = x[xi + j * xs] > y[yi + j * ys] ? 1 : 0; },
  ge: (o, oi, x, xi, xs, y, yi, ys, n) => { for (let j = 0; j < n; j++) o[oi + j] = x[xi + j * xs] >= y[yi + j * ys] ? 1 : 0; },
  lt: (o, oi, x, xi, xs, y, yi, ys, n) => { for (let j = 0; j < n; j++) o[oi + j] = x[xi + j * xs] < y[yi + j * ys] ? 1 : 0; },
  le: (o, oi, x, xi, xs, y, yi, ys, n) => { for (let j = 0; j < n; j++) o[oi + j] = x[xi + j * xs] <= y[yi + j * ys] ? 1 : 0; },
  eq: (o, oi, x, xi, xs, y, yi, ys, n) => { for (let j = 0; j < n; j++) o[oi + j] = x[xi + j * xs] === y[yi + j * ys] ? 1 : 0; },
  ne: (o, oi, x, xi, xs, y, yi, ys, n) => { for (let j = 0; j < n; j++) o[oi + j] = x[xi + j * xs] !== y[yi + j * ys] ? 1 : 0; },
};

const UNARY: Partial<Record<UnaryOp, UnaryLoop>> = {
  neg: (o, oi, x, xi, xs, n) => { for (let j = 0; j < n; j++) o[oi + j] = -x[xi + j * xs]; },
  abs: (o, oi, x, xi, xs, n) => { for (let j = 0; j < n; j++) o[oi + j] = Math.abs(x[xi + j * xs]); },
  relu: (o, oi, x, xi, xs, n) => {
    for (let j = 0; j < n; j++) {
      const v = x[xi + j * xs];
      o[oi + j] = v <= 0 ? 0 : v; // NaN passes, as torch.relu
    }
  },
  exp: (o, oi, x, xi, xs, n) => { for (let j = 0; j < n; j++) o[oi + j] = Math.exp(x[xi + j * xs]); },
  log: (o, oi, x, xi, xs, n) => { for (let j = 0; j < n; j++) o[oi + j] = Math.log(x[xi + j * xs]); },
  sqrt: (o, oi, x, xi, xs, n) => { for (let j = 0; j < n; j++) o[oi + j] = Math.sqrt(x[xi + j * xs]); },
  rsqrt: (o, oi, x, xi, xs, n) => { for (let j = 0; j < n; j++) o[oi + j] = 1 / Math.sqrt(x[xi + j * xs]); },
  square: (o, oi, x, xi, xs, n) => {
    for (let j = 0; j < n; j++) {
      const v = x[xi + j * xs];
      o[oi + j] = v * v;
    }
  },
  reciprocal: (o, oi, x, xi, xs, n) => { for (let j = 0; j < n; j++) o[oi + j] = 1 / x[xi + j * xs]; },
  sigmoid: (o, oi, x, xi, xs, n) => { for (let j = 0; j < n; j++) o[oi + j] = 1 / (1 + Math.exp(-x[xi + j * xs])); },
  tanh: (o, oi, x, xi, xs, n) => { for (let j = 0; j < n; j++) o[oi + j] = Math.tanh(x[xi + j * xs]); },
};

const COMPARISON = new Set<BinaryOp>(['gt', 'ge', 'lt', 'le', 'eq', 'ne']);

function binary(op: BinaryOp, a: View, b: View, outDtype: DType): Storage {
  const loop = BINARY[op];
  const wantOut = COMPARISON.has(op) ? 'bool' : 'float32';
  if (!loop || a.dtype !== 'float32' || b.dtype !== 'float32' || outDtype !== wantOut) return referenceKernels.binary(op, a, b, outDtype);
  const out = allocArray(outDtype, numel(a.shape));
  const x = cpuData(a.storage);
  const y = cpuData(b.storage);
  const walk = coalesce(a.shape, [contiguousStrides(a.shape), a.strides, b.strides]);
  const [, xs, ys] = walk.strides.map((s) => s[s.length - 1]);
  forEachRow(walk, [0, a.offset, b.offset], (at, n) => loop(out, at[0], x, at[1], xs, y, at[2], ys, n));
  return storageOf(out, outDtype);
}

function unary(op: UnaryOp, v: View, outDtype: DType): Storage {
  const loop = UNARY[op];
  if (!loop || v.dtype !== 'float32' || outDtype !== 'float32') return referenceKernels.unary(op, v, outDtype);
  const out = new Float32Array(numel(v.shape));
  const x = cpuData(v.storage);
  const walk = coalesce(v.shape, [contiguousStrides(v.shape), v.strides]);
  const xs = walk.strides[1][walk.strides[1].length - 1];
  forEachRow(walk, [0, v.offset], (at, n) => loop(out, at[0], x, at[1], xs, n));
  return storageOf(out, 'float32');
}

export const fastElementwise: Pick<Kernels, 'binary' | 'unary'> = { binary, unary };

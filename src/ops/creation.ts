import { currentBackend } from '../backends/registry.js';
import { allocArray, checkDType, dtypeOfArray, isFloating, type DType, type TypedArray } from '../core/dtype.js';
import { defaultGenerator, permutation, type Generator } from '../core/random.js';
import { checkShape, fmt, numel, type Shape } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { describe, fromHost, full as fullOf } from './dispatch.js';

export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
  /** The device (backend name) to create the tensor on; default the current backend (ck.setBackend). */
  device?: string;
}

export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}

export type NestedNumbers = number | boolean | readonly NestedNumbers[];

function finish(t: Tensor, opts: TensorOptions): Tensor {
  if (opts.requiresGrad) t.requiresGrad = true;
  return t;
}

function deviceOf(opts: TensorOptions): string {
  if (opts.device !== undefined && typeof opts.device !== 'string') throw new TypeError(`expected device to be a backend name, got ${describe(opts.device)}`);
  return opts.device ?? currentBackend().name;
}

function fromArray(data: TypedArray, shape: Shape, dtype: DType, opts: TensorOptions): Tensor {
  return finish(fromHost(data, shape, dtype, deviceOf(opts)), opts);
}

function inferNestedShape(values: NestedNumbers): number[] {
  const shape: number[] = [];
  let v: NestedNumbers = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0] as NestedNumbers;
  }
  return shape;
}

function flatten(values: NestedNumbers, shape: readonly number[], out: number[], dim = 0): void {
  if (dim === shape.length) {
    if (Array.isArray(values)) throw new RangeError(`tensor: nested arrays are ragged (expected a number at depth ${dim})`);
    const v = values as number | boolean;
    if (typeof v !== 'number' && typeof v !== 'boolean') throw new TypeError(`tensor: expected numbers or booleans, got ${describe(v)}`);
    out.push(Number(v));
    return;
  }
  if (!Array.isArray(values) || values.length !== shape[dim]) {
    throw new RangeError(`tensor: nested arrays are ragged: expected length ${shape[dim]} at depth ${dim}, got ${Array.isArray(values) ? values.length : 'a scalar'}`);
  }
  for (const v of values) flatten(v, shape, out, dim + 1);
}

function firstScalar(values: NestedNumbers): number | boolean | undefined {
  let v: NestedNumbers = values;
  while (Array.isArray(v)) {
    if (v.length === 0) return undefined;
    v = v[0] as NestedNumbers;
  }
  return v as number | boolean;
}

/** Typed arrays of integers other than Int32Array: labels as NumPy and PyTorch hand them over (int64, uint8, ...). */
export type IntegerArray = Int8Array | Int16Array | Uint16Array | Uint32Array | Uint8ClampedArray | BigInt64Array | BigUint64Array;

/**
 * A typed array's dtype: floats keep theirs, every integer array becomes int32 (convkit's integer dtype; PyTorch
 * keeps uint8 as uint8, not bool). Values beyond int32 (Uint32Array, BigInt64Array) are checked on copy.
 */
function typedArrayDtype(src: TypedArray | IntegerArray): DType {
  if (src instanceof Float32Array || src instanceof Float64Array) return dtypeOfArray(src);
  return 'int32';
}

/** Copies into `data`, refusing integers that int32 cannot hold (int64 labels are fine as long as they fit). */
function copyIntegers(data: TypedArray, src: TypedArray | IntegerArray, dtype: DType): void {
  const wide = src instanceof BigInt64Array || src instanceof BigUint64Array || src instanceof Uint32Array;
  if (!wide) {
    data.set(src as ArrayLike<number>);
    return;
  }
  for (let i = 0; i < src.length; i++) {
    const v = Number(src[i]);
    if (dtype === 'int32' && (v > 2147483647 || v < -2147483648)) {
      throw new RangeError(`tensor: element ${i} of the ${src.constructor.name} is ${String(src[i])}, outside int32 (convkit's integer dtype holds -2147483648..2147483647)`);
    }
    data[i] = v;
  }
}

/**
 * Creates a tensor from nested arrays, a number, or a flat typed array (with `shape`).
 * JS numbers become float32 unless `dtype` says otherwise (JS cannot tell `1` from `1.0`, so convkit
 * does not infer int32 from integer values as PyTorch infers int64); booleans become bool; float typed arrays
 * keep their type and integer ones (Uint8Array, Int16Array, BigInt64Array, ...) become int32.
 */
export function tensor(values: NestedNumbers | TypedArray | IntegerArray, opts: TensorOptions & { shape?: readonly number[] } = {}): Tensor {
  if (ArrayBuffer.isView(values)) {
    const src = values as TypedArray | IntegerArray;
    const shape = opts.shape ? checkShape(opts.shape, 'tensor') : [src.length];
    if (numel(shape) !== src.length) throw new RangeError(`tensor: shape ${fmt(shape)} needs ${numel(shape)} elements, got a typed array of ${src.length}`);
    const dtype = opts.dtype ? checkDType(opts.dtype, 'tensor') : typedArrayDtype(src);
    const data = allocArray(dtype, src.length);
    if (dtype === 'bool') for (let i = 0; i < src.length; i++) data[i] = src[i] ? 1 : 0;
    else copyIntegers(data, src, dtype);
    return fromArray(data, shape, dtype, opts);
  }
  const shape = inferNestedShape(values);
  const flat: number[] = [];
  flatten(values, shape, flat);
  const dtype = opts.dtype ? checkDType(opts.dtype, 'tensor') : typeof firstScalar(values) === 'boolean' ? 'bool' : 'float32';
  const data = allocArray(dtype, flat.length);
  if (dtype === 'bool') flat.forEach((v, i) => (data[i] = v ? 1 : 0));
  else data.set(flat);
  const finalShape = opts.shape ? checkShape(opts.shape, 'tensor') : shape;
  if (numel(finalShape) !== flat.length) throw new RangeError(`tensor: shape ${fmt(finalShape)} needs ${numel(finalShape)} elements, got ${flat.length}`);
  return fromArray(data, finalShape, dtype, opts);
}

function shapeAndDtype(shape: readonly number[], opts: TensorOptions, op: string, fallback: DType = 'float32'): [number[], DType] {
  return [checkShape(shape, op), opts.dtype ? checkDType(opts.dtype, op) : fallback];
}

/** full under the name the user called (zeros, ones, empty), so errors name that op. */
function filled(op: string, shape: readonly number[], value: number, opts: TensorOptions): Tensor {
  const [s, dtype] = shapeAndDtype(shape, opts, op, typeof value === 'boolean' ? 'bool' : 'float32');
  if (typeof value !== 'number' && typeof value !== 'boolean') throw new TypeError(`${op}: expected a number fill value, got ${describe(value)}`);
  return finish(fullOf(s, value, dtype, deviceOf(opts)), opts);
}

export const full = (shape: readonly number[], value: number, opts: TensorOptions = {}): Tensor => filled('full', shape, value, opts);
export const zeros = (shape: readonly number[], opts: TensorOptions = {}): Tensor => filled('zeros', shape, 0, opts);
export const ones = (shape: readonly number[], opts: TensorOptions = {}): Tensor => filled('ones', shape, 1, opts);
/** Uninitialised in PyTorch; zero-filled here (typed arrays always are). */
export const empty = (shape: readonly number[], opts: TensorOptions = {}): Tensor => filled('empty', shape, 0, opts);

function randomTensor(shape: readonly number[], opts: RandomOptions, op: string, sample: (g: Generator) => number): Tensor {
  const [s, dtype] = shapeAndDtype(shape, opts, op);
  if (!isFloating(dtype)) throw new TypeError(`${op}: expected a floating dtype, got ${dtype}`);
  const g = opts.generator ?? defaultGenerator;
  const data = allocArray(dtype, numel(s));
  for (let i = 0; i < data.length; i++) data[i] = sample(g);
  return fromArray(data, s, dtype, opts);
}

/** Uniform on [0, 1). */
export const rand = (shape: readonly number[], opts: RandomOptions = {}): Tensor => randomTensor(shape, opts, 'rand', (g) => g.random());
/** Standard normal. */
export const randn = (shape: readonly number[], opts: RandomOptions = {}): Tensor => randomTensor(shape, opts, 'randn', (g) => g.normal());

/** Integers uniform in [low, high), int32 by default. */
export function randint(low: number, high: number, shape: readonly number[], opts: RandomOptions = {}): Tensor {
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) throw new RangeError(`randint: expected integers low < high, got ${low} and ${high}`);
  const [s, dtype] = shapeAndDtype(shape, opts, 'randint', 'int32');
  const g = opts.generator ?? defaultGenerator;
  const data = allocArray(dtype, numel(s));
  for (let i = 0; i < data.length; i++) data[i] = g.int(low, high);
  return fromArray(data, s, dtype, opts);
}

/** A random permutation of 0..n-1 (int32), as torch.randperm. */
export function randperm(n: number, opts: RandomOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`randperm: expected a non-negative integer, got ${n}`);
  return fromArray(permutation(n, opts.generator ?? defaultGenerator), [n], 'int32', { device: opts.device });
}

/** `arange(end)` or `arange(start, end, step)`; int32 when every argument is an integer, as PyTorch infers int64. */
export function arange(start: number, end?: number, step = 1, opts: TensorOptions = {}): Tensor {
  if (end === undefined) [start, end] = [0, start];
  if (step === 0 || !Number.isFinite(start) || !Number.isFinite(end) || !Number.isFinite(step)) {
    throw new RangeError(`arange: invalid range start=${start} end=${end} step=${step}`);
  }
  if ((end - start) / step < 0) throw new RangeError(`arange: upper bound and larger bound inconsistent with step sign (start=${start}, end=${end}, step=${step})`);
  const allInt = [start, end, step].every(Number.isInteger);
  const dtype = opts.dtype ? checkDType(opts.dtype, 'arange') : allInt ? 'int32' : 'float32';
  const n = Math.ceil((end - start) / step);
  const data = allocArray(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return fromArray(data, [n], dtype, opts);
}

export function linspace(start: number, end: number, steps: number, opts: TensorOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`linspace: number of steps must be a non-negative integer, got ${steps}`);
  const dtype = opts.dtype ? checkDType(opts.dtype, 'linspace') : 'float32';
  const data = allocArray(dtype, steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // both halves computed from their own end, as torch does, so the last value is exactly `end`
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) data[i] = i < half ? start + step * i : end - step * (steps - 1 - i);
  return fromArray(data, [steps], dtype, opts);
}

export function eye(n: number, m = n, opts: TensorOptions = {}): Tensor {
  const [s, dtype] = shapeAndDtype([n, m], opts, 'eye');
  const data = allocArray(dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return fromArray(data, s, dtype, opts);
}

const like = (t: Tensor, opts: TensorOptions): TensorOptions => ({ dtype: t.dtype, device: t.device, ...opts });
export const zerosLike = (t: Tensor, opts: TensorOptions = {}): Tensor => zeros(t.shape, like(t, opts));
export const onesLike = (t: Tensor, opts: TensorOptions = {}): Tensor => ones(t.shape, like(t, opts));
export const emptyLike = (t: Tensor, opts: TensorOptions = {}): Tensor => empty(t.shape, like(t, opts));
export const fullLike = (t: Tensor, value: number, opts: TensorOptions = {}): Tensor => full(t.shape, value, like(t, opts));
export const randLike = (t: Tensor, opts: RandomOptions = {}): Tensor => rand(t.shape, like(t, opts));
export const randnLike = (t: Tensor, opts: RandomOptions = {}): Tensor => randn(t.shape, like(t, opts));
export const randintLike = (t: Tensor, low: number, high: number, opts: RandomOptions = {}): Tensor => randint(low, high, t.shape, like(t, opts));

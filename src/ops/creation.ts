import { currentBackend } from '../backends/registry.js';
import { allocArray, checkDType, dtypeOfArray, isFloating, type DType, type TypedArray } from '../core/dtype.js';
import { defaultGenerator, permutation, type Generator } from '../core/random.js';
import { checkShape, fmt, numel, type Shape } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { check, define, is, parseArgs, signature, sizesOf, withSignature } from '../core/args.js';
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

/** The factory keywords every creation function takes (torch's dtype, device, requires_grad). */
const FACTORY = [['dtype', is.string], ['device', is.string], ['requiresGrad', is.bool]] as const;
const RANDOM = [...FACTORY, ['generator', is.generator]] as const;

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
function tensorOf(values: NestedNumbers | TypedArray | IntegerArray, opts: TensorOptions & { shape?: readonly number[] }): Tensor {
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

const DATA = check<NestedNumbers | TypedArray | IntegerArray>('a number, a boolean, nested arrays of them or a typed array', (v) =>
  typeof v === 'number' || typeof v === 'boolean' || Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView)));

/** torch.tensor(data, *, dtype, device, requires_grad), with convkit's `shape` for flat typed arrays. */
export const tensor = define(
  signature('tensor', 'torch.', [['data', DATA]], [], [...FACTORY, ['shape', is.ints]]),
  ({ data, ...opts }): Tensor => tensorOf(data, opts as TensorOptions & { shape?: readonly number[] }),
);

function shapeAndDtype(shape: readonly number[], opts: TensorOptions, op: string, fallback: DType = 'float32'): [number[], DType] {
  return [checkShape(shape, op), opts.dtype ? checkDType(opts.dtype, op) : fallback];
}

/** full under the name the user called (zeros, ones, empty), so errors name that op. */
function filled(op: string, shape: readonly number[], value: number, opts: TensorOptions): Tensor {
  const [s, dtype] = shapeAndDtype(shape, opts, op, typeof value === 'boolean' ? 'bool' : 'float32');
  if (typeof value !== 'number' && typeof value !== 'boolean') throw new TypeError(`${op}: expected a number fill value, got ${describe(value)}`);
  return finish(fullOf(s, value, dtype, deviceOf(opts)), opts);
}

type Sizes = (number | readonly number[])[];
/** `zeros(2, 3)`, `zeros([2, 3])`, each with trailing options, as torch's `*size`. */
type SizedFactory<O> = ((...sizes: Sizes) => Tensor) & ((...args: [...sizes: Sizes, opts: O & { size?: Sizes }]) => Tensor);

/** A factory over torch's `*size` (zeros, ones, empty, rand, randn). */
function sized<O extends TensorOptions>(name: string, keyword: typeof FACTORY | typeof RANDOM, make: (shape: readonly number[], opts: O) => Tensor): SizedFactory<O> {
  const sig = signature(name, 'torch.', [], [], keyword, ['size', is.intOrTuple]);
  const fn = (...args: unknown[]): Tensor => {
    const { size, ...opts } = parseArgs(sig, args) as { size?: Sizes } & O;
    if (size === undefined) throw new TypeError(`${name}: missing required argument size (e.g. ${name}(2, 3) or ${name}([2, 3]))`);
    return make(sizesOf(name, 'sizes', size), opts as O);
  };
  Object.defineProperty(fn, 'name', { value: name });
  return withSignature(fn, sig) as SizedFactory<O>;
}

export const full = define(
  signature('full', 'torch.', [['size', is.ints], ['fillValue', check<number | boolean>('a number or a boolean', (v) => typeof v === 'number' || typeof v === 'boolean')]], [], FACTORY),
  ({ size, fillValue, ...opts }) => filled('full', size, fillValue as number, opts as TensorOptions),
);
export const zeros = sized<TensorOptions>('zeros', FACTORY, (shape, opts) => filled('zeros', shape, 0, opts));
export const ones = sized<TensorOptions>('ones', FACTORY, (shape, opts) => filled('ones', shape, 1, opts));
/** Uninitialised in PyTorch; zero-filled here (typed arrays always are). */
export const empty = sized<TensorOptions>('empty', FACTORY, (shape, opts) => filled('empty', shape, 0, opts));

function randomTensor(shape: readonly number[], opts: RandomOptions, op: string, sample: (g: Generator) => number): Tensor {
  const [s, dtype] = shapeAndDtype(shape, opts, op);
  if (!isFloating(dtype)) throw new TypeError(`${op}: expected a floating dtype, got ${dtype}`);
  const g = opts.generator ?? defaultGenerator;
  const data = allocArray(dtype, numel(s));
  for (let i = 0; i < data.length; i++) data[i] = sample(g);
  return fromArray(data, s, dtype, opts);
}

/** Uniform on [0, 1). */
export const rand = sized<RandomOptions>('rand', RANDOM, (shape, opts) => randomTensor(shape, opts, 'rand', (g) => g.random()));
/** Standard normal. */
export const randn = sized<RandomOptions>('randn', RANDOM, (shape, opts) => randomTensor(shape, opts, 'randn', (g) => g.normal()));

/** Integers uniform in [low, high), int32 by default. */
export const randint = define(signature('randint', 'torch.', [['low', is.int], ['high', is.int], ['size', is.ints]], [], RANDOM), ({ low, high, size, ...opts }): Tensor => {
  if (high <= low) throw new RangeError(`randint: expected integers low < high, got ${low} and ${high}`);
  const [s, dtype] = shapeAndDtype(size, opts as RandomOptions, 'randint', 'int32');
  const g = opts.generator ?? defaultGenerator;
  const data = allocArray(dtype, numel(s));
  for (let i = 0; i < data.length; i++) data[i] = g.int(low, high);
  return fromArray(data, s, dtype, opts as RandomOptions);
});

/** A random permutation of 0..n-1 (int32), as torch.randperm. */
export const randperm = define(signature('randperm', 'torch.', [['n', is.int]], [], RANDOM), ({ n, ...opts }): Tensor => {
  if (n < 0) throw new RangeError(`randperm: expected a non-negative integer, got ${n}`);
  const t = fromArray(permutation(n, opts.generator ?? defaultGenerator), [n], 'int32', { device: opts.device });
  return opts.dtype ? t.to(checkDType(opts.dtype, 'randperm')) : t;
});

/** `arange(end)` or `arange(start, end, step)`; int32 when every argument is an integer, as PyTorch infers int64. */
export const arange = define(
  signature('arange', 'torch.', [['start', is.number]], [['end', is.number], ['step', is.number]], FACTORY),
  ({ start, end, step = 1, ...opts }): Tensor => {
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
    return fromArray(data, [n], dtype, opts as TensorOptions);
  },
);

export const linspace = define(
  signature('linspace', 'torch.', [['start', is.number], ['end', is.number], ['steps', is.int]], [], FACTORY),
  ({ start, end, steps, ...opts }): Tensor => {
    if (steps < 0) throw new RangeError(`linspace: number of steps must be a non-negative integer, got ${steps}`);
    const dtype = opts.dtype ? checkDType(opts.dtype, 'linspace') : 'float32';
    const data = allocArray(dtype, steps);
    const step = steps > 1 ? (end - start) / (steps - 1) : 0;
    // both halves computed from their own end, as torch does, so the last value is exactly `end`
    const half = Math.floor(steps / 2);
    for (let i = 0; i < steps; i++) data[i] = i < half ? start + step * i : end - step * (steps - 1 - i);
    return fromArray(data, [steps], dtype, opts as TensorOptions);
  },
);

export const eye = define(signature('eye', 'torch.', [['n', is.int]], [['m', is.nullable(is.int)]], FACTORY), ({ n, m, ...opts }): Tensor => {
  const cols = m ?? n;
  const [s, dtype] = shapeAndDtype([n, cols], opts as TensorOptions, 'eye');
  const data = allocArray(dtype, n * cols);
  for (let i = 0; i < Math.min(n, cols); i++) data[i * cols + i] = 1;
  return fromArray(data, s, dtype, opts as TensorOptions);
});

const like = (t: Tensor, opts: TensorOptions): TensorOptions => ({ dtype: t.dtype, device: t.device, ...opts });
const likeSig = (name: string, torch: string) => signature(name, torch, [['input', is.tensor]], [], FACTORY);
const randomLikeSig = (name: string, torch: string) => signature(name, torch, [['input', is.tensor]], [], RANDOM);
export const zerosLike = define(likeSig('zerosLike', 'torch.'), ({ input, ...o }) => filled('zerosLike', input.shape, 0, like(input, o as TensorOptions)));
export const onesLike = define(likeSig('onesLike', 'torch.'), ({ input, ...o }) => filled('onesLike', input.shape, 1, like(input, o as TensorOptions)));
export const emptyLike = define(likeSig('emptyLike', 'torch.'), ({ input, ...o }) => filled('emptyLike', input.shape, 0, like(input, o as TensorOptions)));
export const fullLike = define(
  signature('fullLike', 'torch.', [['input', is.tensor], ['fillValue', is.number]], [], FACTORY),
  ({ input, fillValue, ...o }) => filled('fullLike', input.shape, fillValue, like(input, o as TensorOptions)),
);
export const randLike = define(randomLikeSig('randLike', 'torch.'), ({ input, ...o }) => rand(input.shape, like(input, o as TensorOptions)));
export const randnLike = define(randomLikeSig('randnLike', 'torch.'), ({ input, ...o }) => randn(input.shape, like(input, o as TensorOptions)));
export const randintLike = define(
  signature('randintLike', 'torch.', [['input', is.tensor], ['low', is.int], ['high', is.int]], [], RANDOM),
  ({ input, low, high, ...o }) => randint(low, high, input.shape, like(input, o as TensorOptions)),
);

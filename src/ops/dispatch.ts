import type { Kernels, Storage } from '../backends/backend.js';
import { backendOf, currentBackend } from '../backends/registry.js';
import { castScalar, isFloating, type DType, type TypedArray } from '../core/dtype.js';
import { keep, checkLive } from '../core/memory.js';
import type { Shape } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';

/**
 * The kernels of the device the tensors live on: an op runs where its inputs are, never on a global. Inputs on
 * two devices are an error naming both and the fix.
 */
export function kernels(op: string, ...ts: readonly Tensor[]): Kernels {
  if (ts.length === 0) return currentBackend().kernels;
  let device = '';
  for (const t of ts) {
    if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${describe(t)}`);
    checkLive(t.storage, op);
    if (device === '') device = t.device;
    else if (t.device !== device) {
      throw new Error(`${op}: expected all tensors on one device, got '${device}' and '${t.device}'; move one with t.to('${device}')`);
    }
  }
  return backendOf(device).kernels;
}

export function describe(v: unknown): string {
  if (v instanceof Tensor) return `Tensor[${v.shape.join(',')}] ${v.dtype}`;
  if (Array.isArray(v)) return 'an array';
  return v === null ? 'null' : typeof v;
}

export function wrap(storage: Storage, shape: Shape, dtype: DType): Tensor {
  return new Tensor(storage, shape, dtype);
}

/** A tensor of `shape` filled with `value` on `device` (by default the current backend's). */
export function full(shape: Shape, value: number, dtype: DType, device = currentBackend().name): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return wrap(backendOf(device).kernels.fill(dtype, n, castScalar(value, dtype)), shape, dtype);
}

/** A copy of host data on `device` (index tables built on the host, uploaded once). */
export function fromHost(data: TypedArray, shape: Shape, dtype: DType, device = currentBackend().name): Tensor {
  return wrap(backendOf(device).fromHost(data, dtype), shape, dtype);
}

export type TensorOrScalar = Tensor | number | boolean;

/**
 * 0-d constants per device, dtype and value: `x.mul(2)` inside a training loop then costs no device allocation
 * per call. Kept out of scopes; bounded, since a loop over changing scalars (a learning-rate schedule) would
 * otherwise grow it without end.
 */
const constants = new Map<string, Tensor>();
const MAX_CONSTANTS = 512;

function constant(value: number, dtype: DType, device: string): Tensor {
  const key = `${device}|${dtype}|${Object.is(value, -0) ? '-0' : value}`;
  let t = constants.get(key);
  if (t === undefined || t.storage !== constants.get(key)?.storage) {
    if (constants.size >= MAX_CONSTANTS) constants.clear();
    t = keep(full([], value, dtype, device));
    constants.set(key, t);
  }
  return t;
}

/**
 * A JS scalar next to a tensor takes the tensor's dtype when that is wide enough, as Python scalars do in
 * PyTorch: `x_float32 * 2.5` stays float32, `x_int32 + 1` stays int32, `x_int32 * 0.5` becomes float32.
 */
export function scalarLike(v: number | boolean, like: Tensor): Tensor {
  const value = typeof v === 'boolean' ? Number(v) : v;
  if (typeof value !== 'number') throw new TypeError(`expected a Tensor or a number, got ${describe(v)}`);
  let dtype: DType = like.dtype;
  if (!isFloating(dtype)) {
    if (typeof v === 'boolean') dtype = like.dtype;
    else if (!Number.isInteger(value)) dtype = 'float32';
    else if (dtype === 'bool') dtype = 'int32';
  }
  return constant(castScalar(value, dtype), dtype, like.device);
}

/** Turns a (tensor, tensor-or-scalar) pair into two tensors. */
export function operands(op: string, a: TensorOrScalar, b: TensorOrScalar): [Tensor, Tensor] {
  if (a instanceof Tensor && b instanceof Tensor) return [a, b];
  if (a instanceof Tensor) return [a, scalarLike(b as number, a)];
  if (b instanceof Tensor) return [scalarLike(a as number, b), b];
  throw new TypeError(`${op}: expected at least one Tensor, got ${describe(a)} and ${describe(b)}`);
}

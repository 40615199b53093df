import type { Kernels, Storage } from '../backends/backend.js';
import { currentBackend } from '../backends/registry.js';
import { castScalar, isFloating, type DType } from '../core/dtype.js';
import type { Shape } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';

/** The current backend's kernels, after checking every tensor lives on its device. */
export function kernels(op: string, ...ts: readonly Tensor[]): Kernels {
  const be = currentBackend();
  for (const t of ts) {
    if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected a Tensor, got ${describe(t)}`);
    if (t.storage.device !== be.device) {
      throw new Error(`${op}: tensor is on '${t.storage.device}' but the current backend '${be.name}' runs on '${be.device}'`);
    }
  }
  return be.kernels;
}

export function describe(v: unknown): string {
  if (v instanceof Tensor) return `Tensor[${v.shape.join(',')}] ${v.dtype}`;
  if (Array.isArray(v)) return 'an array';
  return v === null ? 'null' : typeof v;
}

export function wrap(storage: Storage, shape: Shape, dtype: DType): Tensor {
  return new Tensor(storage, shape, dtype);
}

export function full(shape: Shape, value: number, dtype: DType): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return wrap(currentBackend().kernels.fill(dtype, n, castScalar(value, dtype)), shape, dtype);
}

export type TensorOrScalar = Tensor | number | boolean;

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
  return full([], value, dtype);
}

/** Turns a (tensor, tensor-or-scalar) pair into two tensors. */
export function operands(op: string, a: TensorOrScalar, b: TensorOrScalar): [Tensor, Tensor] {
  if (a instanceof Tensor && b instanceof Tensor) return [a, b];
  if (a instanceof Tensor) return [a, scalarLike(b as number, a)];
  if (b instanceof Tensor) return [scalarLike(a as number, b), b];
  throw new TypeError(`${op}: expected at least one Tensor, got ${describe(a)} and ${describe(b)}`);
}

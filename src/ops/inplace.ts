import { broadcastShapes, broadcastStrides, fmt, shapesEqual } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { kernels, scalarLike, type TensorOrScalar } from './dispatch.js';
import { add, clamp, div, mul, sub } from './elementwise.js';
import { checkInplace } from './inplace-check.js';

/** Copies `src` (broadcast to x's shape, converted to x's dtype) into x. */
export function copy_(x: Tensor, src: TensorOrScalar): Tensor {
  checkInplace(x, 'copy_');
  const s = typeof src === 'number' || typeof src === 'boolean' ? scalarLike(src, x) : src;
  const shape = broadcastShapes(x.shape, s.shape, 'copy_');
  if (!shapesEqual(shape, x.shape)) throw new RangeError(`copy_: source ${fmt(s.shape)} cannot be broadcast to destination ${fmt(x.shape)}`);
  kernels('copy_', x, s).assign(x, { storage: s.storage, dtype: s.dtype, shape, strides: broadcastStrides(s.shape, s.strides, shape), offset: s.offset }, false);
  return x;
}

export const fill_ = (x: Tensor, value: number): Tensor => copy_(x, value);
export const zero_ = (x: Tensor): Tensor => copy_(x, 0);
export const add_ = (x: Tensor, other: TensorOrScalar, alpha = 1): Tensor => copy_(x, add(x, alpha === 1 ? other : mul(asTensor(other, x), alpha)));
export const sub_ = (x: Tensor, other: TensorOrScalar, alpha = 1): Tensor => copy_(x, sub(x, alpha === 1 ? other : mul(asTensor(other, x), alpha)));
export const mul_ = (x: Tensor, other: TensorOrScalar): Tensor => copy_(x, mul(x, other));
export const div_ = (x: Tensor, other: TensorOrScalar): Tensor => copy_(x, div(x, other));
export const clamp_ = (x: Tensor, min?: number | null, max?: number | null): Tensor => copy_(x, clamp(x, min, max));

function asTensor(v: TensorOrScalar, like: Tensor): Tensor {
  return typeof v === 'number' || typeof v === 'boolean' ? scalarLike(v, like) : v;
}

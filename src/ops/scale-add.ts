/**
 * x ← alpha·x + beta·y in place, one pass and no new array: the optimizers' momentum and parameter updates,
 * which otherwise make three fresh parameter-sized arrays per step (two products and a sum) and copy back.
 * Not part of the public API: PyTorch spells it x.mul_(alpha).add_(y, alpha=beta).
 */
import type { View } from '../backends/backend.js';
import { isFloating } from '../core/dtype.js';
import { fmt, shapesEqual } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { kernels } from './dispatch.js';
import { checkInplace } from './inplace-check.js';

declare module '../backends/backend.js' {
  interface Kernels {
    /**
     * x ← alpha·x + beta·y through x's view, y of x's shape and dtype. Each product is rounded to the dtype
     * (the scalars too), then their sum: what the separate mul and add ops would give, bit for bit.
     */
    scaleAdd_(x: View, alpha: number, y: View, beta: number): void;
  }
}

export function scaleAdd_(x: Tensor, alpha: number, y: Tensor, beta: number): Tensor {
  checkInplace(x, 'scaleAdd_');
  if (!shapesEqual(x.shape, y.shape)) throw new RangeError(`scaleAdd_: expected y of x's shape ${fmt(x.shape)}, got ${fmt(y.shape)}`);
  if (x.dtype !== y.dtype || !isFloating(x.dtype)) throw new TypeError(`scaleAdd_: expected floating x and y of one dtype, got ${x.dtype} and ${y.dtype}`);
  kernels('scaleAdd_', x, y).scaleAdd_(x, alpha, y, beta);
  return x;
}

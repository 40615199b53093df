/**
 * x ← alpha·x + beta·y in place, one pass and no new array: the optimizers' momentum and parameter updates,
 * which otherwise make three fresh parameter-sized arrays per step (two products and a sum) and copy back.
 * Not part of the public API: PyTorch spells it x.mul_(alpha).add_(y, alpha=beta).
 */
import { noGrad } from '../core/autograd.js';
import { isFloating } from '../core/dtype.js';
import { fmt, shapesEqual } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { kernels } from './dispatch.js';
import { add, mul } from './elementwise.js';
import { checkInplace } from './inplace-check.js';

export function scaleAdd_(x: Tensor, alpha: number, y: Tensor, beta: number): Tensor {
  checkInplace(x, 'scaleAdd_');
  if (!shapesEqual(x.shape, y.shape)) throw new RangeError(`scaleAdd_: expected y of x's shape ${fmt(x.shape)}, got ${fmt(y.shape)}`);
  if (x.dtype !== y.dtype || !isFloating(x.dtype)) throw new TypeError(`scaleAdd_: expected floating x and y of one dtype, got ${x.dtype} and ${y.dtype}`);
  const k = kernels('scaleAdd_', x, y);
  if (k.scaleAdd_) k.scaleAdd_(x, alpha, y, beta);
  // the default: the two products and their sum as ops, written back through x's view
  else k.assign(x, noGrad(() => add(mul(x, alpha), mul(y, beta))), false);
  return x;
}

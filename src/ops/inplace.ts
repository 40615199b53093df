import { broadcastShapes, broadcastStrides, fmt, shapesEqual } from '../core/shape.js';
import { check, define, is, signature } from '../core/args.js';
import { Tensor } from '../core/tensor.js';
import { kernels, scalarLike, type TensorOrScalar } from './dispatch.js';
import { add, clamp, div, mul, sub } from './elementwise.js';
import { checkInplace } from './inplace-check.js';

/** Copies `src` (broadcast to x's shape, converted to x's dtype) into x. */
function copyOf(x: Tensor, src: TensorOrScalar): Tensor {
  checkInplace(x, 'copy_');
  const s = typeof src === 'number' || typeof src === 'boolean' ? scalarLike(src, x) : src;
  const shape = broadcastShapes(x.shape, s.shape, 'copy_');
  if (!shapesEqual(shape, x.shape)) throw new RangeError(`copy_: source ${fmt(s.shape)} cannot be broadcast to destination ${fmt(x.shape)}`);
  kernels('copy_', x, s).assign(x, { storage: s.storage, dtype: s.dtype, shape, strides: broadcastStrides(s.shape, s.strides, shape), offset: s.offset }, false);
  return x;
}


// In-place methods (x.add_(y, { alpha: 2 })): torch's parameter lists with the tensor first.
const OPERAND = check<TensorOrScalar>('a Tensor or a number', (v) => v instanceof Tensor || typeof v === 'number' || typeof v === 'boolean');
const SELF = [['input', is.tensor]] as const;
const ALPHA = [['alpha', is.number]] as const;
const BOUND = is.nullable(is.number);
/** Copies `src` (broadcast to input's shape, converted to its dtype) into input. */
export const copy_ = define(signature('copy_', null, [...SELF, ['src', OPERAND]], [['nonBlocking', is.bool]]), ({ input, src }): Tensor => copyOf(input, src));
export const fill_ = define(signature('fill_', null, [...SELF, ['value', OPERAND]], []), ({ input, value }): Tensor => copyOf(input, value));
export const zero_ = define(signature('zero_', null, SELF, []), ({ input }): Tensor => copyOf(input, 0));
export const add_ = define(signature('add_', null, [...SELF, ['other', OPERAND]], [], ALPHA), ({ input, other, alpha = 1 }): Tensor =>
  copyOf(input, add(input, alpha === 1 ? other : mul(asTensor(other, input), alpha))));
export const sub_ = define(signature('sub_', null, [...SELF, ['other', OPERAND]], [], ALPHA), ({ input, other, alpha = 1 }): Tensor =>
  copyOf(input, sub(input, alpha === 1 ? other : mul(asTensor(other, input), alpha))));
export const mul_ = define(signature('mul_', null, [...SELF, ['other', OPERAND]], []), ({ input, other }): Tensor => copyOf(input, mul(input, other)));
export const div_ = define(signature('div_', null, [...SELF, ['other', OPERAND]], []), ({ input, other }): Tensor => copyOf(input, div(input, other)));
export const clamp_ = define(signature('clamp_', 'torch.', SELF, [['min', BOUND], ['max', BOUND]]), ({ input, min, max }): Tensor => copyOf(input, clamp(input, min, max)));

function asTensor(v: TensorOrScalar, like: Tensor): Tensor {
  return typeof v === 'number' || typeof v === 'boolean' ? scalarLike(v, like) : v;
}

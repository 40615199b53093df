/**
 * F.hardsigmoid, F.hardswish, F.mish and F.prelu from primitive ops. The `where` branches are chosen so the
 * gradient at the kinks is PyTorch's (hardswish's backward takes the middle branch at ±3, hardsigmoid's the
 * flat ones).
 */
import { define, is, signature } from '../core/args.js';
import { fmt } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { add, div, ge, gt, le, lt, mul, reshape, tanh, where } from '../ops/index.js';
import { softplus } from './activation.js';
import { checkFloating } from './check.js';

const INPUT_ONLY = [['input', is.tensor]] as const;

/** relu6(x + 3) / 6: 0 below -3, 1 above 3. */
export const hardsigmoid = define(signature('hardsigmoid', 'torch.nn.functional.', INPUT_ONLY, [['inplace', is.bool]]), ({ input }): Tensor => {
  checkFloating(input, 'hardsigmoid');
  return where(le(input, -3), 0, where(ge(input, 3), 1, add(div(input, 6), 0.5)));
});

/** x · relu6(x + 3) / 6 (MobileNetV3). */
export const hardswish = define(signature('hardswish', 'torch.nn.functional.', INPUT_ONLY, [['inplace', is.bool]]), ({ input }): Tensor => {
  checkFloating(input, 'hardswish');
  return where(lt(input, -3), 0, where(le(input, 3), div(mul(input, add(input, 3)), 6), input));
});

/** x · tanh(softplus(x)) (Misra 2019). */
export const mish = define(signature('mish', 'torch.nn.functional.', INPUT_ONLY, [['inplace', is.bool]]), ({ input }): Tensor => {
  checkFloating(input, 'mish');
  return mul(input, tanh(softplus(input)));
});

/** x for x > 0, weight·x otherwise, with one weight or one per channel (dim 1). */
export const prelu = define(signature('prelu', 'torch.nn.functional.', [['input', is.tensor], ['weight', is.tensor]], []), ({ input, weight }): Tensor => {
  checkFloating(input, 'prelu');
  const n = weight.numel();
  const channels = input.ndim >= 2 ? input.shape[1] : 1;
  if (weight.ndim > 1 || (n !== 1 && n !== channels)) {
    throw new RangeError(`prelu: expected a weight with 1 element or one per channel (${channels} for input ${fmt(input.shape)}), got ${fmt(weight.shape)}`);
  }
  const w = n === 1 ? reshape(weight, []) : reshape(weight, input.shape.map((s, i) => (i === 1 ? s : 1)));
  return where(gt(input, 0), input, mul(w, input));
});

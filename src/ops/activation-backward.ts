/**
 * Activation gradients as one kernel each (PyTorch's threshold_backward, leaky_relu_backward,
 * sigmoid_backward, tanh_backward) instead of a chain of compare/convert/multiply ops that each
 * allocate a full-size array. The result is itself recorded, so double backward still works.
 */
import type { ActivationGrad } from '../backends/backend.js';
import { noGrad, record } from '../core/autograd.js';
import { isFloating } from '../core/dtype.js';
import { fmt, shapesEqual } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { kernels, wrap } from './dispatch.js';
import { gt, le, mul, sub, where } from './elementwise.js';

/** The gradient of an activation with respect to its input, from the output gradient and a saved tensor. */
export function activationBackward(op: ActivationGrad, grad: Tensor, saved: Tensor, param = 0): Tensor {
  const name = `${op}Backward`;
  if (!shapesEqual(grad.shape, saved.shape)) throw new RangeError(`${name}: expected grad and saved tensor of one shape, got ${fmt(grad.shape)} and ${fmt(saved.shape)}`);
  if (grad.dtype !== saved.dtype || !isFloating(grad.dtype)) {
    throw new TypeError(`${name}: expected floating grad and saved tensor of one dtype, got ${grad.dtype} and ${saved.dtype}`);
  }
  const k = kernels(name, grad, saved);
  const out = k.activationBackward
    ? wrap(k.activationBackward(op, grad, saved, param, grad.dtype), grad.shape, grad.dtype)
    : noGrad(() => composed(op, grad, saved, param));
  return record(`${op[0].toUpperCase()}${op.slice(1)}BackwardBackward0`, out, [grad, saved], (gg) => [
    // linear in g: the same gradient applied to gg
    grad.requiresGrad ? activationBackward(op, gg, saved, param) : null,
    saved.requiresGrad ? savedGradient(op, gg, grad, saved) : null,
  ]);
}

/** d(out)/d(saved)·gg: zero for the piecewise-linear ones (as PyTorch), the derivative of s(1-s) or 1-s² otherwise. */
function savedGradient(op: ActivationGrad, gg: Tensor, g: Tensor, s: Tensor): Tensor | null {
  if (op === 'sigmoid') return mul(mul(gg, g), sub(1, mul(s, 2)));
  if (op === 'tanh') return mul(mul(gg, g), mul(s, -2));
  return null;
}

/** The default for backends without the fused kernel: the same formulas as separate ops. */
function composed(op: ActivationGrad, g: Tensor, s: Tensor, p: number): Tensor {
  // NaN in s compares false in `le`, so it passes g as the fused kernels do
  if (op === 'threshold') return where(le(s, p), 0, g);
  if (op === 'leakyRelu') return where(gt(s, 0), g, mul(g, p));
  if (op === 'sigmoid') return mul(mul(g, sub(1, s)), s);
  return mul(g, sub(1, mul(s, s)));
}

/**
 * Activation gradients as one kernel each (PyTorch's threshold_backward, leaky_relu_backward,
 * sigmoid_backward, tanh_backward) instead of a chain of compare/convert/multiply ops that each
 * allocate a full-size array. The result is itself recorded, so double backward still works.
 */
import type { Storage, View } from '../backends/backend.js';
import { record } from '../core/autograd.js';
import { isFloating, type DType } from '../core/dtype.js';
import { fmt, shapesEqual } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { kernels, wrap } from './dispatch.js';
import { mul, sub } from './elementwise.js';

/**
 * Which gradient, given the output gradient g, the saved tensor s and a parameter p:
 * - threshold: s <= p ? 0 : g (s is ReLU's output or input; NaN in s passes g, as in PyTorch)
 * - leakyRelu: s > 0 ? g : g·p (s is the input, p the negative slope)
 * - sigmoid:   g·(1 - s)·s (s is the output)
 * - tanh:      g·(1 - s²) (s is the output)
 */
export type ActivationGrad = 'threshold' | 'leakyRelu' | 'sigmoid' | 'tanh';

declare module '../backends/backend.js' {
  interface Kernels {
    /** One activation gradient, elementwise over two views of one shape. */
    activationBackward(op: ActivationGrad, grad: View, saved: View, param: number, outDtype: DType): Storage;
  }
}

/** The gradient of an activation with respect to its input, from the output gradient and a saved tensor. */
export function activationBackward(op: ActivationGrad, grad: Tensor, saved: Tensor, param = 0): Tensor {
  const name = `${op}Backward`;
  if (!shapesEqual(grad.shape, saved.shape)) throw new RangeError(`${name}: expected grad and saved tensor of one shape, got ${fmt(grad.shape)} and ${fmt(saved.shape)}`);
  if (grad.dtype !== saved.dtype || !isFloating(grad.dtype)) {
    throw new TypeError(`${name}: expected floating grad and saved tensor of one dtype, got ${grad.dtype} and ${saved.dtype}`);
  }
  const out = wrap(kernels(name, grad, saved).activationBackward(op, grad, saved, param, grad.dtype), grad.shape, grad.dtype);
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

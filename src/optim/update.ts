/** Pieces of the update equations that several optimizers share, written once. */
import type { Tensor } from '../core/tensor.js';
import { add, copy_, div, mul, neg } from '../ops/index.js';

/** a + alpha·b (torch's add with alpha); alpha 1 (SGD's momentum without dampening) skips the exact ·1. */
export function addScaled(a: Tensor, b: Tensor, alpha: number): Tensor {
  return add(a, alpha === 1 ? b : mul(b, alpha));
}

/** The gradient an update follows: negated to ascend when maximizing, plus the L2 penalty weightDecay·p. */
export function effectiveGradient(p: Tensor, grad: Tensor, { maximize, weightDecay }: { maximize: boolean; weightDecay: number }): Tensor {
  const d = maximize ? neg(grad) : grad;
  return weightDecay === 0 ? d : addScaled(d, p, weightDecay);
}

/** p ← p - lr·d/denom in place: the per-element adaptive step of Adagrad, RMSprop and Adam. */
export function adaptiveStep_(p: Tensor, d: Tensor, lr: number, denom: Tensor): void {
  copy_(p, add(p, div(mul(d, -lr), denom)));
}

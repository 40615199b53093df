/** The gradient of target logits with respect to an input or a layer's output: what every attribution method starts from. */
import { Tensor } from '../core/tensor.js';
import type { Module } from '../nn/module.js';
import { grad } from '../ops/autograd-api.js';
import { gather, tensor } from '../ops/index.js';
import { checkImage, checkModule, targets } from './check.js';
import { withCapture } from './layers.js';

/** Σ_i logits[i, target_i]: its gradient is each image's own target gradient (images do not interact in eval mode). */
export function targetScore(op: string, logits: unknown, target: number[] | number | unknown): Tensor {
  if (!(logits instanceof Tensor) || logits.ndim !== 2) throw new TypeError(`${op}: expected the model to return logits [N, classes], got ${logits instanceof Tensor ? `shape [${logits.shape.join(', ')}]` : typeof logits}`);
  const t = targets(op, target, logits.shape[0], logits.shape[1]);
  return gather(logits, 1, tensor(t, { shape: [t.length, 1], dtype: 'int32' })).sum();
}

/** Logits[i, target_i] of each image, [N]. */
export function targetLogits(op: string, logits: unknown, target: unknown): Tensor {
  const l = logits as Tensor;
  const t = targets(op, target, l.shape[0], l.shape[1]);
  return gather(l, 1, tensor(t, { shape: [t.length, 1], dtype: 'int32' })).reshape([t.length]);
}

/** Checks the common arguments and adds a batch dim to a single image [C, H, W]. */
export function batched(op: string, model: unknown, x: unknown): [Tensor, boolean] {
  checkModule(op, model);
  checkImage(op, 'x', x, [3, 4]);
  return x.ndim === 3 ? [x.unsqueeze(0), true] : [x, false];
}

/** ∂ Σ_i logit[i, target_i] / ∂x for a batch x. */
export function inputGradient(op: string, model: Module, x: Tensor, target: unknown): Tensor {
  const leaf = x.detach().requiresGrad_();
  return grad(targetScore(op, model.call(leaf), target), leaf)[0]!;
}

/** The layer's output A for x and ∂ Σ_i logit[i, target_i] / ∂A. */
export function layerGradient(op: string, model: Module, x: Tensor, target: unknown, layer: string): [Tensor, Tensor] {
  const leaf = x.detach().requiresGrad_();
  const [logits, caught] = withCapture(op, model, [layer], () => model.call(leaf));
  const a = caught.get(layer)!;
  return [a.detach(), grad(targetScore(op, logits, target), a)[0]!];
}

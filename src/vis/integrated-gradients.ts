/**
 * Integrated Gradients (Sundararajan et al. 2017), as Captum's IntegratedGradients: attributions
 * (x − x')·Σ_i w_i ∂F(x' + α_i(x − x'))/∂x with the steps run in batches, and the completeness gap
 * Σ attributions − (F(x) − F(x')) that Captum's return_convergence_delta reports.
 */
import { noGrad } from '../core/autograd.js';
import type { Tensor } from '../core/tensor.js';
import type { Module } from '../nn/module.js';
import { cat, reshape, tensor, zerosLike } from '../ops/index.js';
import { checkImage, checkKeys, intIn, oneOf, show, targets } from './check.js';
import { batched, inputGradient, targetLogits } from './gradients.js';
import { IG_METHODS, quadrature, type IgMethod } from './quadrature.js';

export interface IntegratedGradientsOptions {
  /** x' (default zeros), x's shape. */
  baseline?: Tensor;
  /** Points on the path (default 50). */
  steps?: number;
  method?: IgMethod;
  /** Scaled inputs per forward pass (default: all steps of all images at once, as Captum). */
  internalBatchSize?: number;
}

export interface IntegratedGradientsResult {
  /** x's shape. */
  attributions: Tensor;
  /** [N] (a scalar tensor for one image [C, H, W]): Σ attributions − (F(x)_target − F(x')_target). */
  delta: Tensor;
}

export function integratedGradients(model: Module, x: Tensor, target: number | readonly number[], opts: IntegratedGradientsOptions = {}): IntegratedGradientsResult {
  const op = 'vis.integratedGradients';
  const o = checkKeys(op, opts, ['baseline', 'steps', 'method', 'internalBatchSize']) as IntegratedGradientsOptions;
  const [xb, single] = batched(op, model, x);
  const steps = intIn(op, 'steps', o.steps ?? 50, 2);
  const method = oneOf(op, 'method', o.method ?? 'riemann_trapezoid', IG_METHODS);
  let base = zerosLike(xb);
  if (o.baseline !== undefined) {
    checkImage(op, 'baseline', o.baseline, [x.ndim]);
    if (o.baseline.shape.some((s, i) => s !== x.shape[i])) throw new RangeError(`${op}: baseline must have x's shape [${x.shape.join(', ')}], got ${show(o.baseline)}`);
    base = single ? o.baseline.unsqueeze(0) : o.baseline;
  }
  const n = xb.shape[0];
  const perPass = Math.max(1, Math.floor(intIn(op, 'internalBatchSize', o.internalBatchSize ?? steps * n, 1) / n));
  const t = targets(op, target, n, Number.MAX_SAFE_INTEGER);
  const [alphas, weights] = quadrature(method, steps);
  const diff = xb.sub(base).detach();
  const tail = xb.shape.slice(1).map(() => 1);
  let total: Tensor | null = null;
  for (let s = 0; s < steps; s += perPass) {
    const k = Math.min(perPass, steps - s);
    const a = tensor(alphas.slice(s, s + k), { shape: [k, 1, ...tail], dtype: xb.dtype });
    const w = tensor(weights.slice(s, s + k), { shape: [k, 1, ...tail], dtype: xb.dtype });
    // the k scaled copies of the whole batch, stacked along the batch dim: [k·N, C, H, W]
    const scaled = reshape(base.unsqueeze(0).add(diff.unsqueeze(0).mul(a)), [k * n, ...xb.shape.slice(1)]);
    const g = reshape(inputGradient(op, model, scaled, Array.from({ length: k * n }, (_, i) => t[i % n])), [k, ...xb.shape]);
    const part = g.mul(w).sum(0);
    total = total ? total.add(part) : part;
  }
  const attributions = diff.mul(total!);
  const ends = noGrad(() => targetLogits(op, model.call(cat([xb, base], 0)), [...t, ...t]));
  const gap = ends.narrow(0, 0, n).sub(ends.narrow(0, n, n));
  const delta = reshape(attributions, [n, -1]).sum(1).sub(gap);
  return { attributions: single ? attributions.squeeze(0) : attributions, delta: single ? delta.squeeze(0) : delta };
}

/**
 * Gradient attributions, as Captum defines them: Saliency (|∂logit/∂x|), SmoothGrad (the mean saliency over
 * noisy copies of x) and LayerGradCam (ReLU of the channel sum of a layer's activations weighted by the spatial
 * mean of their gradients). The model's mode is left as it is (call model.eval() first, as with Captum).
 */
import { Generator } from '../core/random.js';
import type { Tensor } from '../core/tensor.js';
import type { Module } from '../nn/module.js';
import { amax, amin, randn, relu } from '../ops/index.js';
import { checkImage, checkKeys, intIn, numberIn, show } from './check.js';
import { batched, inputGradient, layerGradient } from './gradients.js';

const unbatch = (t: Tensor, single: boolean): Tensor => (single ? t.squeeze(0) : t);

/** |∂ logit_target / ∂x|, x's shape ([C, H, W] or [N, C, H, W]); target: one class or one per image. */
export function saliency(model: Module, x: Tensor, target: number | readonly number[]): Tensor {
  const [xb, single] = batched('vis.saliency', model, x);
  return unbatch(inputGradient('vis.saliency', model, xb, target).abs(), single);
}

export interface SmoothGradOptions {
  /** Copies of x to average over (default 25). */
  samples?: number;
  /** σ of the noise as a fraction of each image's value range, max − min (default 0.15, the paper's). */
  noiseLevel?: number;
  /** Seed of the noise (default 0). */
  seed?: number;
  /** The perturbations themselves, [samples, ...x.shape] (then samples, noiseLevel and seed are not used). */
  noise?: Tensor;
}

/** SmoothGrad (Smilkov et al. 2017): the mean of |∂ logit_target / ∂(x + ε_s)| over samples s, ε_s ~ N(0, σ²). */
export function smoothGrad(model: Module, x: Tensor, target: number | readonly number[], opts: SmoothGradOptions = {}): Tensor {
  const o = checkKeys('vis.smoothGrad', opts, ['samples', 'noiseLevel', 'seed', 'noise']) as SmoothGradOptions;
  const [xb, single] = batched('vis.smoothGrad', model, x);
  let noises: Tensor[];
  if (o.noise !== undefined) {
    checkImage('vis.smoothGrad', 'noise', o.noise, [x.ndim + 1]);
    if (o.noise.shape.slice(1).some((s, i) => s !== x.shape[i])) throw new RangeError(`vis.smoothGrad: noise must be [samples, ...x.shape] = [S, ${x.shape.join(', ')}], got ${show(o.noise)}`);
    noises = Array.from({ length: o.noise.shape[0] }, (_, s) => o.noise!.select(0, s));
    if (single) noises = noises.map((n) => n.unsqueeze(0));
  } else {
    const samples = intIn('vis.smoothGrad', 'samples', o.samples ?? 25, 1);
    const level = numberIn('vis.smoothGrad', 'noiseLevel', o.noiseLevel ?? 0.15, 0);
    const generator = new Generator(intIn('vis.smoothGrad', 'seed', o.seed ?? 0, 0));
    const dims = [1, 2, 3];
    const sigma = amax(xb, dims, true).sub(amin(xb, dims, true)).mul(level).detach();
    noises = Array.from({ length: samples }, () => randn(xb.shape, { generator }).mul(sigma));
  }
  let total: Tensor | null = null;
  for (const n of noises) {
    const g = inputGradient('vis.smoothGrad', model, xb.add(n), target).abs();
    total = total ? total.add(g) : g;
  }
  return unbatch(total!.div(noises.length), single);
}

export interface GradCamOptions {
  /** The layer's state-dict path, e.g. 'layer4' or 'features.10' (required). */
  layer: string;
  /** Keep negative values (Captum's relu_attributions=False); default false. */
  relu?: boolean;
}

/** Grad-CAM (Selvaraju et al. 2017) at the layer's resolution: [N, 1, h, w] (x [C, H, W] gives [1, h, w]). */
export function gradCam(model: Module, x: Tensor, target: number | readonly number[], opts: GradCamOptions): Tensor {
  const o = checkKeys('vis.gradCam', opts, ['layer', 'relu']) as unknown as GradCamOptions;
  const [xb, single] = batched('vis.gradCam', model, x);
  const [a, g] = layerGradient('vis.gradCam', model, xb, target, o.layer);
  if (a.ndim !== 4) throw new RangeError(`vis.gradCam: layer '${o.layer}' must output [N, C, h, w] feature maps, got [${a.shape.join(', ')}]`);
  const alpha = g.mean([2, 3], true);
  const cam = a.mul(alpha).sum(1, true);
  return unbatch(o.relu === false ? cam : relu(cam), single);
}

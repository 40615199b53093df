/**
 * Where to cut the playground's models for pictures: the first convolution (filters and feature maps) and the
 * last convolution with a spatial map (Grad-CAM), as a head x → A and a tail A → logits.
 */
import * as ck from '../../src/index.js';
import type { ModelName } from './trainer.js';

type Seq = ck.nn.Sequential;

export interface Anatomy {
  firstConv: ck.nn.Conv2d;
  /** the first convolution and its activation */
  firstMaps: (x: ck.Tensor) => ck.Tensor;
  head: (x: ck.Tensor) => ck.Tensor;
  tail: (a: ck.Tensor) => ck.Tensor;
}

const run = (seq: Seq, from: number, to: number, x: ck.Tensor): ck.Tensor => {
  for (let i = from; i < to; i++) x = seq.at(i).forward(x) as ck.Tensor;
  return x;
};

export function anatomy(name: ModelName, model: ck.nn.Module): Anatomy {
  if (name === 'simple-cnn') {
    const m = model as ck.models.SimpleCNN;
    // features: conv, relu, conv, relu, dropout2d; Grad-CAM on the second conv's 5×5 map
    return {
      firstConv: m.features.at(0) as ck.nn.Conv2d,
      firstMaps: (x) => run(m.features, 0, 2, x),
      head: (x) => run(m.features, 0, 4, x),
      tail: (a) => m.classifier.forward(ck.flatten(run(m.features, 4, m.features.length, a), 1)) as ck.Tensor,
    };
  }
  const m = model as ck.models.LeNet5;
  // features_detector: conv, act, pool, conv, act, pool, conv, act; C5's map is 1×1, so Grad-CAM uses C3's 10×10
  return {
    firstConv: m.features_detector.at(0) as ck.nn.Conv2d,
    firstMaps: (x) => run(m.features_detector, 0, 2, x),
    head: (x) => run(m.features_detector, 0, 5, x),
    tail: (a) => m.classifier.forward(ck.flatten(run(m.features_detector, 5, m.features_detector.length, a), 1)) as ck.Tensor,
  };
}

/** |∂ score / ∂ input| of class `target` (Simonyan et al. 2014), as an [H, W] array. */
export async function saliency(parts: Anatomy, x: ck.Tensor, target: number): Promise<{ values: ArrayLike<number>; height: number; width: number }> {
  const input = x.detach().requiresGrad_(true);
  const score = parts.tail(parts.head(input)).select(1, target).sum();
  const [g] = ck.autograd.grad(score, [input]);
  const [, , height, width] = x.shape;
  return { values: await g!.abs().data(), height, width };
}

/** Grad-CAM (Selvaraju et al. 2017): ReLU of the feature maps weighted by their mean gradient, as an [h, w] array. */
export async function gradCam(parts: Anatomy, x: ck.Tensor, target: number): Promise<{ values: ArrayLike<number>; height: number; width: number }> {
  const a = parts.head(x.detach());
  const score = parts.tail(a).select(1, target).sum();
  const [g] = ck.autograd.grad(score, [a]);
  const weights = g!.mean([2, 3], true);
  const cam = ck.noGrad(() => a.mul(weights).sum(1).relu());
  const [, , height, width] = a.shape;
  return { values: await cam.data(), height, width };
}

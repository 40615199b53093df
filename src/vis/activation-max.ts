/**
 * Feature visualisation by activation maximisation with Lucid's ingredients (Olah et al. 2017): the image is
 * a 1/f-scaled Fourier spectrum, colour-decorrelated and squashed by a sigmoid; each step sees it padded and
 * randomly shifted, scaled and rotated (transformation robustness), and Adam climbs the unit's activation.
 */
import '../index.js'; // the main entry: bundlers then keep its modules in one shared chunk (src/index.ts says why)
import { Generator } from '../core/random.js';
import { Tensor } from '../core/tensor.js';
import type { Module } from '../nn/module.js';
import { Adam } from '../optim/adam.js';
import { grad } from '../ops/autograd-api.js';
import { noGrad } from '../core/autograd.js';
import { pad } from '../ops/conv/pad.js';
import { randn, tensor } from '../ops/index.js';
import { checkKeys, checkModule, intIn, numberIn, show } from './check.js';
import { InverseRealDft, toValidRgb } from './fourier.js';
import { findModule } from './layers.js';
import { affineWarp } from './sample.js';

export interface ActivationMaximizationOptions {
  /** The layer's state-dict path (with channel or neuron). */
  layer?: string;
  /** Maximise the channel's mean activation over all positions. */
  channel?: number;
  /** Maximise one unit: a channel at the centre position, or [channel, y, x]. */
  neuron?: number | [number, number, number];
  /** Maximise the model's output (logit) for this class. */
  class?: number;
  /** Adam steps (default 256). */
  steps?: number;
  /** Adam's learning rate (default 0.05, Lucid's). */
  lr?: number;
  seed?: number;
  /** Height = width of the image (default 128). */
  size?: number;
  /** Image channels (default 3). */
  channels?: number;
  /** The model's input normalisation, applied to the [0, 1] pixels inside (default: none). */
  mean?: number[];
  std?: number[];
  /** Fourier-space parameterisation (default true); false optimises pixels directly. */
  fourier?: boolean;
  /** Colour decorrelation for 3 channels (default true). */
  decorrelate?: boolean;
  /** Random padding, jitter, scale and rotation each step (default true). */
  transforms?: boolean;
  /** σ of the starting spectrum (default 0.01, Lucid's). */
  sd?: number;
  /** Called after each step with the step number (1-based) and that step's objective; may be async. */
  onStep?: (step: number, activation: number) => void | Promise<void>;
}

export interface ActivationMaximizationResult {
  /** [1, C, size, size]: the normalised image the model is fed (what it saw). */
  image: Tensor;
  /** [1, C, size, size] in [0, 1]: the same image as pixels, for display. */
  pixels: Tensor;
  /** The objective on the final image (without random transforms). */
  activation: number;
  /** The objective on the starting image. */
  startActivation: number;
}

const KEYS = ['layer', 'channel', 'neuron', 'class', 'steps', 'lr', 'seed', 'size', 'channels', 'mean', 'std', 'fourier', 'decorrelate', 'transforms', 'sd', 'onStep'];
const OP = 'vis.activationMaximization';

/** Thrown by the capture hook once the layer has run: the rest of the network is not needed. */
class Reached {
  constructor(readonly output: Tensor) {}
}

type Objective = (x: Tensor) => Tensor;

function objective(model: Module, o: ActivationMaximizationOptions): Objective {
  const given = (['channel', 'neuron', 'class'] as const).filter((k) => o[k] !== undefined);
  if (given.length !== 1) throw new TypeError(`${OP}: give exactly one of channel, neuron or class, got ${given.length ? given.join(', ') : 'none'}`);
  if (o.class !== undefined) {
    intIn(OP, 'class', o.class, 0);
    if (o.layer !== undefined) throw new TypeError(`${OP}: class maximises the model's output; do not give a layer (got '${o.layer}')`);
    return (x) => {
      const out = model.call(x) as Tensor;
      if (!(out instanceof Tensor) || out.ndim !== 2 || o.class! >= out.shape[1]) throw new RangeError(`${OP}: class ${o.class} needs logits [1, classes > ${o.class}], got ${show(out)}`);
      return out.select(1, o.class!).sum();
    };
  }
  const layer = findModule(OP, model, o.layer);
  const pick = (a: Tensor): Tensor => {
    const c = o.channel ?? (typeof o.neuron === 'number' ? o.neuron : o.neuron?.[0]);
    intIn(OP, given[0], c, 0, a.shape[1] - 1);
    const maps = a.select(0, 0).select(0, c!);
    if (o.channel !== undefined || maps.ndim === 0) return maps.mean();
    const [h, w] = maps.shape;
    const [y, x] = Array.isArray(o.neuron) ? [o.neuron[1], o.neuron[2]] : [Math.floor(h / 2), Math.floor(w / 2)];
    return maps.select(0, intIn(OP, 'neuron y', y, 0, h - 1)).select(0, intIn(OP, 'neuron x', x, 0, w - 1));
  };
  return (x) => {
    const handle = layer.registerForwardHook((_m, _i, out) => {
      throw new Reached(out as Tensor);
    });
    try {
      model.call(x);
    } catch (e) {
      if (e instanceof Reached) return pick(e.output);
      throw e;
    } finally {
      handle.remove();
    }
    throw new Error(`${OP}: layer '${o.layer}' did not run in the model's forward pass`);
  };
}

function normalizer(o: ActivationMaximizationOptions, channels: number): (pixels: Tensor) => Tensor {
  if (o.mean === undefined && o.std === undefined) return (p) => p;
  const list = (name: string, v: unknown): number[] => {
    if (!Array.isArray(v) || (v.length !== channels && v.length !== 1) || !v.every(Number.isFinite)) throw new TypeError(`${OP}: ${name} must be ${channels === 1 ? '1 number' : `${channels} numbers (one per channel) or 1`}, got ${show(v)}`);
    return v.length === 1 ? new Array<number>(channels).fill(v[0]) : v;
  };
  const mean = tensor(list('mean', o.mean ?? [0]), { shape: [1, channels, 1, 1] });
  const std = tensor(list('std', o.std ?? [1]), { shape: [1, channels, 1, 1] });
  return (p) => p.sub(mean).div(std);
}

/** The random transforms of one step, drawn from the generator: pad with grey, then shift, scale and rotate. */
function robustness(g: Generator, size: number): (pixels: Tensor) => Tensor {
  const border = Math.max(1, Math.round(size / 10));
  const jitter = Math.max(1, Math.round((size * 12) / 128));
  const uniformInt = (lo: number, hi: number): number => lo + Math.floor(g.random() * (hi - lo + 1));
  return (p) => {
    const padded = pad(p, [border, border, border, border], { value: 0.5 });
    // Lucid's standard transforms: jitter 8 and 4 (at 128 px), scale 0.9..1.1 in 11 steps, rotation −10..10°
    const t = { shift: [uniformInt(-jitter, jitter), uniformInt(-jitter, jitter)] as [number, number], scale: 1 + (uniformInt(0, 10) - 5) / 50, angle: uniformInt(-10, 10) };
    return affineWarp(padded, size, size, t);
  };
}

export async function activationMaximization(model: Module, opts: ActivationMaximizationOptions): Promise<ActivationMaximizationResult> {
  checkModule(OP, model);
  const o = checkKeys(OP, opts, KEYS) as ActivationMaximizationOptions;
  const steps = intIn(OP, 'steps', o.steps ?? 256, 0);
  const lr = numberIn(OP, 'lr', o.lr ?? 0.05, 0);
  const size = intIn(OP, 'size', o.size ?? 128, 2, 4096);
  const channels = intIn(OP, 'channels', o.channels ?? 3, 1);
  const sd = numberIn(OP, 'sd', o.sd ?? 0.01, 0);
  if (o.onStep !== undefined && typeof o.onStep !== 'function') throw new TypeError(`${OP}: onStep must be a function, got ${show(o.onStep)}`);
  const g = new Generator(intIn(OP, 'seed', o.seed ?? 0, 0));
  const decorrelate = o.decorrelate ?? true;
  const score = objective(model, o);
  const normalize = normalizer(o, channels);
  const transform = o.transforms === false ? null : robustness(g, size);

  let params: Tensor[];
  let raw: () => Tensor;
  if (o.fourier === false) {
    const p = randn([channels, size, size], { generator: g }).mul(sd).requiresGrad_();
    params = [p];
    raw = () => p;
  } else {
    const dft = new InverseRealDft(size, size);
    const [re, im] = [0, 1].map(() => randn([channels, size, dft.wf], { generator: g }).mul(sd).requiresGrad_());
    params = [re, im];
    raw = () => dft.apply(re, im).div(4);
  }
  const pixels = (): Tensor => toValidRgb(raw(), decorrelate).unsqueeze(0);

  const modes = model.modules().map((m) => [m, m.training] as const);
  // the weights' gradients are not needed: not computing them halves the backward pass
  const frozen = model.parameters().filter((p) => p.requiresGrad);
  frozen.forEach((p) => p.requiresGrad_(false));
  model.eval();
  try {
    const measure = async (): Promise<[number, Tensor, Tensor]> => {
      const [px, seen, value] = noGrad(() => {
        const px = pixels();
        const seen = normalize(px);
        return [px, seen, score(seen)];
      });
      return [(await value.data())[0], seen, px];
    };
    const [startActivation] = await measure();
    const optimizer = new Adam(params, { lr });
    for (let step = 1; step <= steps; step++) {
      const px = pixels();
      const value = score(normalize(transform ? transform(px) : px));
      const grads = grad(value.neg(), params);
      params.forEach((p, i) => (p.grad = grads[i]));
      optimizer.step();
      if (o.onStep) await o.onStep(step, (await value.data())[0]);
    }
    const [activation, image, px] = await measure();
    return { image, pixels: px, activation, startActivation };
  } finally {
    for (const [m, mode] of modes) m.training = mode;
    frozen.forEach((p) => p.requiresGrad_(true));
  }
}

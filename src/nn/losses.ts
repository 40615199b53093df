/**
 * Loss functions with PyTorch's definitions, reductions ('none' | 'mean' | 'sum') and options. Class
 * losses work on log-probabilities from logSoftmax (log-sum-exp), so large logits give no overflow.
 */
import { readsSync } from '../backends/registry.js';
import { define, is, signature } from '../core/args.js';
import { noGrad, record } from '../core/autograd.js';
import { isFloating } from '../core/dtype.js';
import { fmt, shapesEqual } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import {
  abs, add, clamp, detach, div, eq, exp, expand, flatten, gather, log, logicalNot, lt, mean, mul, ne, neg, reshape, square,
  squeeze, sub, sum, to, unsqueeze, where,
} from '../ops/index.js';
import { logSoftmax } from './activation.js';
import { checkFloating, checkProbability, checkSameShape, checkTensor } from './check.js';

export type Reduction = 'none' | 'mean' | 'sum';

export interface LossOptions {
  reduction?: Reduction;
}

export function checkReduction(reduction: string, op: string, extra: readonly string[] = []): void {
  const allowed = ['none', 'mean', 'sum', ...extra];
  if (!allowed.includes(reduction)) throw new RangeError(`${op}: reduction must be one of ${allowed.map((r) => `'${r}'`).join(', ')}, got ${JSON.stringify(reduction)}`);
}

function reduce(loss: Tensor, reduction: Reduction): Tensor {
  return reduction === 'none' ? loss : reduction === 'sum' ? sum(loss) : mean(loss);
}

/** The argument checks of a loss between an input and a target of the same shape. */
function checkInputTarget(op: string, input: Tensor, target: Tensor, reduction: string, extraReductions: readonly string[] = []): void {
  checkTensor(input, op);
  checkTensor(target, op, 'target');
  checkSameShape(input, target, op);
  checkReduction(reduction, op, extraReductions);
}

/** Elementwise loss between same-shaped input and target (mse, l1, smooth l1, huber). */
function pointwise(op: string, input: Tensor, target: Tensor, reduction: Reduction, f: (diff: Tensor) => Tensor): Tensor {
  checkInputTarget(op, input, target, reduction);
  return reduce(f(sub(input, target)), reduction);
}

/** (input - target)². */
function mseLossImpl(input: Tensor, target: Tensor, { reduction = 'mean' }: LossOptions = {}): Tensor {
  return pointwise('mseLoss', input, target, reduction, square);
}

/** |input - target|. */
function l1LossImpl(input: Tensor, target: Tensor, { reduction = 'mean' }: LossOptions = {}): Tensor {
  return pointwise('l1Loss', input, target, reduction, abs);
}

export interface SmoothL1Options extends LossOptions {
  beta?: number;
}

/** 0.5·d²/beta where |d| < beta, |d| - 0.5·beta elsewhere (d = input - target). */
function smoothL1LossImpl(input: Tensor, target: Tensor, { reduction = 'mean', beta = 1 }: SmoothL1Options = {}): Tensor {
  if (!(beta >= 0)) throw new RangeError(`smoothL1Loss: beta must be non-negative, got ${beta}`);
  return pointwise('smoothL1Loss', input, target, reduction, (d) => {
    const a = abs(d);
    if (beta === 0) return a;
    return where(lt(a, beta), div(mul(square(a), 0.5), beta), sub(a, 0.5 * beta));
  });
}

export interface HuberOptions extends LossOptions {
  delta?: number;
}

/** 0.5·d² where |d| < delta, delta·(|d| - 0.5·delta) elsewhere. */
function huberLossImpl(input: Tensor, target: Tensor, { reduction = 'mean', delta = 1 }: HuberOptions = {}): Tensor {
  if (!(delta > 0)) throw new RangeError(`huberLoss: delta must be positive, got ${delta}`);
  return pointwise('huberLoss', input, target, reduction, (d) => {
    const a = abs(d);
    return where(lt(a, delta), mul(square(a), 0.5), mul(sub(a, 0.5 * delta), delta));
  });
}

/** A weight that broadcasts to `shape` (documented broadcasting, as PyTorch's weight.expand). */
function expandWeight(weight: Tensor, shape: readonly number[], op: string, name = 'weight'): Tensor {
  checkTensor(weight, op, name);
  try {
    return expand(weight, shape);
  } catch {
    throw new RangeError(`${op}: ${name} of shape ${fmt(weight.shape)} cannot be broadcast to the input's shape ${fmt(shape)}`);
  }
}

export interface WeightedLossOptions extends LossOptions {
  /** Rescales each element's loss; broadcast to the input's shape. */
  weight?: Tensor | null;
}

/** PyTorch clamps the logarithms of binary cross entropy at -100 so that 0 and 1 give finite losses. */
const LOG_FLOOR = -100;

/**
 * -w·(t·log(x) + (1 - t)·log(1 - x)) for probabilities x in [0, 1]. The gradient is PyTorch's
 * (x - t)/max(x(1 - x), 1e-12), finite even at x = 0 or 1 where the clamped logs have none.
 */
function binaryCrossEntropyImpl(input: Tensor, target: Tensor, { weight = null, reduction = 'mean' }: WeightedLossOptions = {}): Tensor {
  const op = 'binaryCrossEntropy';
  checkInputTarget(op, input, target, reduction);
  if (target.requiresGrad) throw new Error(`${op}: the gradient with respect to target is not implemented (as in PyTorch); use binaryCrossEntropyWithLogits or detach the target`);
  const w = weight ? expandWeight(weight, input.shape, op) : null;
  // checked where the values can be read synchronously (CPU tensors), as PyTorch checks
  if (readsSync(input.device) && input.dataSync().some((v) => !(v >= 0 && v <= 1))) {
    throw new RangeError(`${op}: all elements of input should be between 0 and 1`);
  }
  const loss = noGrad(() => {
    const logX = clamp(log(input), LOG_FLOOR);
    const log1mX = clamp(log(sub(1, input)), LOG_FLOOR);
    const l = neg(add(mul(target, logX), mul(sub(1, target), log1mX)));
    return w ? mul(l, w) : l;
  });
  record('BinaryCrossEntropyBackward0', loss, [input], (g) => {
    const local = div(sub(input, target), clamp(mul(input, sub(1, input)), 1e-12));
    return [mul(mul(g, local), w ?? 1)];
  });
  return reduce(loss, reduction);
}

export interface BceWithLogitsOptions extends WeightedLossOptions {
  /** Weight of positive examples, broadcast along the last (class) dim. */
  posWeight?: Tensor | null;
}

/**
 * binaryCrossEntropy(sigmoid(x), t) computed stably from logits, with PyTorch's formula:
 * (1 - t)·x + (1 + (posWeight - 1)·t)·(log(e^(-m) + e^(-x-m)) + m), m = max(-x, 0).
 */
function binaryCrossEntropyWithLogitsImpl(
  input: Tensor,
  target: Tensor,
  { weight = null, reduction = 'mean', posWeight = null }: BceWithLogitsOptions = {},
): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  checkInputTarget(op, input, target, reduction);
  const m = clamp(neg(input), 0);
  const softplusNeg = add(log(add(exp(neg(m)), exp(sub(neg(input), m)))), m);
  const logWeight = posWeight ? add(mul(sub(expandWeight(posWeight, input.shape, op, 'posWeight'), 1), target), 1) : null;
  let loss = add(mul(sub(1, target), input), logWeight ? mul(logWeight, softplusNeg) : softplusNeg);
  if (weight) loss = mul(loss, expandWeight(weight, input.shape, op));
  return reduce(loss, reduction);
}

export interface KlDivOptions {
  /** 'batchmean' divides the sum by the batch size, which is the mathematical KL divergence. */
  reduction?: Reduction | 'batchmean';
  /** The target is given as log-probabilities. */
  logTarget?: boolean;
}

/** target·(log(target) - input) with input given as log-probabilities; 0·log 0 = 0. */
function klDivImpl(input: Tensor, target: Tensor, { reduction = 'mean', logTarget = false }: KlDivOptions = {}): Tensor {
  checkInputTarget('klDiv', input, target, reduction, ['batchmean']);
  let loss: Tensor;
  if (logTarget) {
    loss = mul(exp(target), sub(target, input));
  } else {
    const zero = eq(target, 0);
    // xlogy(t, t): log is taken of 1 where t = 0 so neither value nor gradient becomes NaN
    loss = sub(where(zero, 0, mul(target, log(where(zero, 1, target)))), mul(target, input));
  }
  if (reduction === 'batchmean') return input.ndim === 0 ? sum(loss) : div(sum(loss), input.shape[0]);
  return reduce(loss, reduction);
}

export interface NllLossOptions extends LossOptions {
  /** A weight per class, shape [C]. */
  weight?: Tensor | null;
  /** Targets equal to this contribute nothing (and do not count in the mean). Default -100. */
  ignoreIndex?: number;
}

interface ClassTarget {
  /** Input as [N, C, ...] and target as [N, ...] (an unbatched [C] input gains N = 1). */
  input: Tensor;
  target: Tensor;
  unbatched: boolean;
}

function classTarget(op: string, input: Tensor, target: Tensor, ignoreIndex: number): ClassTarget {
  if (input.ndim < 1) throw new RangeError(`${op}: expected input [C] or [N, C, ...], got a 0-d tensor`);
  if (target.dtype !== 'int32') throw new TypeError(`${op}: expected target class indices as int32, got ${target.dtype}`);
  const unbatched = input.ndim === 1;
  const expected = unbatched ? [] : [input.shape[0], ...input.shape.slice(2)];
  if (!shapesEqual(target.shape, expected)) {
    throw new RangeError(`${op}: expected target of shape ${fmt(expected)} for input ${fmt(input.shape)}, got ${fmt(target.shape)}`);
  }
  const classes = input.shape[unbatched ? 0 : 1];
  // checked where the values can be read synchronously (CPU tensors), as PyTorch checks
  if (readsSync(target.device)) {
    for (const t of target.dataSync()) {
      if (t !== ignoreIndex && (t < 0 || t >= classes)) throw new RangeError(`${op}: target ${t} is out of bounds for ${classes} classes`);
    }
  }
  return unbatched ? { input: unsqueeze(input, 0), target: unsqueeze(target, 0), unbatched } : { input, target, unbatched };
}

function checkClassWeight(weight: Tensor | null, classes: number, op: string): void {
  if (!weight) return;
  checkTensor(weight, op, 'weight');
  if (weight.ndim !== 1 || weight.shape[0] !== classes) {
    throw new RangeError(`${op}: expected weight of shape [${classes}] (one per class), got ${fmt(weight.shape)}`);
  }
}

/** The weight of each target's class, shaped like the target (the target made safe to index with). */
function classWeightOf(weight: Tensor, safeTarget: Tensor): Tensor {
  return reshape(gather(weight, 0, flatten(safeTarget)), safeTarget.shape);
}

/** -w[t]·input[t] per sample, for log-probability inputs [N, C, ...] and class targets [N, ...]. */
function nllLossImpl(input: Tensor, target: Tensor, opts: NllLossOptions = {}): Tensor {
  checkTensor(input, 'nllLoss');
  checkTensor(target, 'nllLoss', 'target');
  return negativeLogLikelihood('nllLoss', input, target, opts);
}

/** nllLoss's computation, with errors named after the calling op. */
function negativeLogLikelihood(op: string, input: Tensor, target: Tensor, { weight = null, ignoreIndex = -100, reduction = 'mean' }: NllLossOptions): Tensor {
  checkReduction(reduction, op);
  const c = classTarget(op, input, target, ignoreIndex);
  checkClassWeight(weight, c.input.shape[1], op);
  const ignored = eq(c.target, ignoreIndex);
  const safe = where(ignored, 0, c.target);
  const picked = squeeze(gather(c.input, 1, unsqueeze(safe, 1)), 1);
  const w = weight ? classWeightOf(detach(weight), safe) : null;
  // ignored samples are selected away rather than multiplied by 0, so an infinite mean factor (every
  // target ignored: the loss is NaN as in PyTorch) still leaves them a zero gradient
  const losses = where(ignored, 0, neg(w ? mul(picked, w) : picked));
  if (reduction === 'none') return c.unbatched ? squeeze(losses, 0) : losses;
  if (reduction === 'sum') return sum(losses);
  const total = w ? sum(where(ignored, 0, w)) : sum(to(logicalNot(ignored), input.dtype));
  return div(sum(losses), total);
}

export interface CrossEntropyOptions extends NllLossOptions {
  /** Mixes the target with the uniform distribution: (1 - ε)·target + ε/C. */
  labelSmoothing?: number;
}

/**
 * logSoftmax over the class dim followed by nllLoss. The target holds class indices (int32 [N, ...]) or,
 * when it has the input's shape, class probabilities (floating point).
 */
function crossEntropyImpl(input: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  const op = 'crossEntropy';
  checkTensor(input, op);
  checkTensor(target, op, 'target');
  checkFloating(input, op);
  const { weight = null, ignoreIndex = -100, reduction = 'mean', labelSmoothing = 0 } = opts;
  checkReduction(reduction, op);
  checkProbability(labelSmoothing, op, 'labelSmoothing');
  if (input.ndim < 1) throw new RangeError(`${op}: expected input [C] or [N, C, ...], got a 0-d tensor`);
  const classDim = input.ndim === 1 ? 0 : 1;
  checkClassWeight(weight, input.shape[classDim], op);
  const logp = logSoftmax(input, classDim);
  if (shapesEqual(input.shape, target.shape)) return probabilityCrossEntropy(logp, target, classDim, weight, ignoreIndex, reduction, labelSmoothing);
  if (isFloating(target.dtype)) {
    throw new RangeError(`${op}: expected class indices (int32, shape ${fmt(input.ndim === 1 ? [] : [input.shape[0], ...input.shape.slice(2)])}) or class probabilities of the input's shape ${fmt(input.shape)}, got a ${target.dtype} target ${fmt(target.shape)}`);
  }
  const nll = negativeLogLikelihood(op, logp, target, { weight, ignoreIndex, reduction });
  if (labelSmoothing === 0) return nll;
  return add(mul(nll, 1 - labelSmoothing), mul(smoothingTerm(logp, target, classDim, weight, ignoreIndex, reduction), labelSmoothing / input.shape[classDim]));
}

/** Per class-dim broadcast view of a [C] weight. */
function classWeightView(weight: Tensor, logp: Tensor, classDim: number): Tensor {
  return reshape(weight, logp.shape.map((s, i) => (i === classDim ? s : 1)));
}

/** -Σ_c w_c·log p_c per sample (0 where ignored), reduced as PyTorch's label smoothing term. */
function smoothingTerm(logp: Tensor, target: Tensor, classDim: number, weight: Tensor | null, ignoreIndex: number, reduction: Reduction): Tensor {
  const ignored = eq(target, ignoreIndex);
  const perSample = where(ignored, 0, neg(sum(weight ? mul(logp, classWeightView(weight, logp, classDim)) : logp, classDim)));
  if (reduction === 'none') return perSample;
  if (reduction === 'sum') return sum(perSample);
  const denominator = weight ? sum(where(ignored, 0, classWeightOf(detach(weight), where(ignored, 0, target)))) : sum(to(logicalNot(ignored), logp.dtype));
  return div(sum(perSample), denominator);
}

function probabilityCrossEntropy(
  logp: Tensor, target: Tensor, classDim: number, weight: Tensor | null, ignoreIndex: number, reduction: Reduction, labelSmoothing: number,
): Tensor {
  const op = 'crossEntropy';
  if (!isFloating(target.dtype)) throw new TypeError(`${op}: a target shaped like the input holds class probabilities and must be floating point, got ${target.dtype}`);
  if (ignoreIndex >= 0) throw new RangeError(`${op}: ignoreIndex is not supported for class probability targets, got ${ignoreIndex}`);
  const classes = logp.shape[classDim];
  const t = labelSmoothing > 0 ? add(mul(target, 1 - labelSmoothing), labelSmoothing / classes) : target;
  const terms = weight ? mul(mul(logp, t), classWeightView(weight, logp, classDim)) : mul(logp, t);
  if (reduction === 'none') return neg(sum(terms, classDim));
  if (reduction === 'sum') return neg(sum(terms));
  return div(neg(sum(terms)), logp.numel() / classes);
}

const MSE_LOSS_SIG = signature('mseLoss', 'torch.nn.functional.', [['input', is.tensor], ['target', is.tensor]], [['sizeAverage', is.deprecated], ['reduce', is.deprecated], ['reduction', is.reduction]]);
export const mseLoss = define(MSE_LOSS_SIG, ({ input, target, ...o }) => mseLossImpl(input, target, o));
const L1LOSS_SIG = signature('l1Loss', 'torch.nn.functional.', [['input', is.tensor], ['target', is.tensor]], [['sizeAverage', is.deprecated], ['reduce', is.deprecated], ['reduction', is.reduction]]);
export const l1Loss = define(L1LOSS_SIG, ({ input, target, ...o }) => l1LossImpl(input, target, o));
const SMOOTH_L1LOSS_SIG = signature('smoothL1Loss', 'torch.nn.functional.', [['input', is.tensor], ['target', is.tensor]], [['sizeAverage', is.deprecated], ['reduce', is.deprecated], ['reduction', is.reduction], ['beta', is.number]]);
export const smoothL1Loss = define(SMOOTH_L1LOSS_SIG, ({ input, target, ...o }) => smoothL1LossImpl(input, target, o));
const HUBER_LOSS_SIG = signature('huberLoss', 'torch.nn.functional.', [['input', is.tensor], ['target', is.tensor]], [['reduction', is.reduction], ['delta', is.number]]);
export const huberLoss = define(HUBER_LOSS_SIG, ({ input, target, ...o }) => huberLossImpl(input, target, o));
const BINARY_CROSS_ENTROPY_SIG = signature('binaryCrossEntropy', 'torch.nn.functional.', [['input', is.tensor], ['target', is.tensor]], [['weight', is.nullable(is.tensor)], ['sizeAverage', is.deprecated], ['reduce', is.deprecated], ['reduction', is.reduction]]);
export const binaryCrossEntropy = define(BINARY_CROSS_ENTROPY_SIG, ({ input, target, ...o }) => binaryCrossEntropyImpl(input, target, o));
const BINARY_CROSS_ENTROPY_WITH_LOGITS_SIG = signature('binaryCrossEntropyWithLogits', 'torch.nn.functional.', [['input', is.tensor], ['target', is.tensor]], [['weight', is.nullable(is.tensor)], ['sizeAverage', is.deprecated], ['reduce', is.deprecated], ['reduction', is.reduction], ['posWeight', is.nullable(is.tensor)]]);
export const binaryCrossEntropyWithLogits = define(BINARY_CROSS_ENTROPY_WITH_LOGITS_SIG, ({ input, target, ...o }) => binaryCrossEntropyWithLogitsImpl(input, target, o));
const KL_DIV_SIG = signature('klDiv', 'torch.nn.functional.', [['input', is.tensor], ['target', is.tensor]], [['sizeAverage', is.deprecated], ['reduce', is.deprecated], ['reduction', is.oneOf('none', 'mean', 'sum', 'batchmean')], ['logTarget', is.bool]]);
export const klDiv = define(KL_DIV_SIG, ({ input, target, ...o }) => klDivImpl(input, target, o));
const NLL_LOSS_SIG = signature('nllLoss', 'torch.nn.functional.', [['input', is.tensor], ['target', is.tensor]], [['weight', is.nullable(is.tensor)], ['sizeAverage', is.deprecated], ['ignoreIndex', is.int], ['reduce', is.deprecated], ['reduction', is.reduction]]);
export const nllLoss = define(NLL_LOSS_SIG, ({ input, target, ...o }) => nllLossImpl(input, target, o));
const CROSS_ENTROPY_SIG = signature('crossEntropy', 'torch.nn.functional.', [['input', is.tensor], ['target', is.tensor]], [['weight', is.nullable(is.tensor)], ['sizeAverage', is.deprecated], ['ignoreIndex', is.int], ['reduce', is.deprecated], ['reduction', is.reduction], ['labelSmoothing', is.number]]);
export const crossEntropy = define(CROSS_ENTROPY_SIG, ({ input, target, ...o }) => crossEntropyImpl(input, target, o));

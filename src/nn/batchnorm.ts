/**
 * Batch normalisation (Ioffe & Szegedy 2015) as F.batch_norm: normalise each channel of [N, C, ...] by its
 * batch statistics (training) or by running estimates (evaluation), then scale and shift per channel.
 */
import { define, is, signature } from '../core/args.js';
import { traced } from '../ops/trace.js';
import { isGradEnabled, noGrad, record } from '../core/autograd.js';
import { fmt } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { activationBackward } from '../ops/activation-backward.js';
import { batchNormBackwardSums, batchNormStatistics, hasBatchNormSums } from '../ops/batchnorm-sums.js';
import { add, channelAffine, copy_, div, mean, mul, neg, reshape, rsqrt, square, sub, sum } from '../ops/index.js';
import { batchNormInferenceAffine } from './batchnorm-affine.js';
import { checkTensor } from './check.js';

export interface BatchNormOptions {
  /** Use batch statistics (and update the running ones) instead of the running estimates. Default false. */
  training?: boolean;
  /**
   * Weight of the new batch in the running averages: running = (1 - momentum)·running + momentum·batch. A 0-d
   * tensor is used where it lives (BatchNorm's momentum null computes 1/batches on the device).
   */
  momentum?: number | Tensor;
  eps?: number;
}

/** What ResNet's blocks do right after a BatchNorm, fused into its last pass (src/ops/channel-affine.ts). */
export interface BatchNormEpilogue {
  /** Added to the normalised output (the block's shortcut). */
  residual?: Tensor | null;
  /** ReLU last. */
  relu?: boolean;
}

function checkChannelVector(t: Tensor | null, name: string, channels: number, x: Tensor): void {
  if (t === null) return;
  checkTensor(t, 'batchNorm', name);
  if (t.ndim !== 1 || t.shape[0] !== channels) {
    throw new RangeError(`batchNorm: expected ${name} of shape [${channels}] for input ${fmt(x.shape)} (${channels} channels), got ${fmt(t.shape)}`);
  }
}

/**
 * `runningMean`/`runningVar` (or null) are updated in place when training, with the unbiased batch variance,
 * as PyTorch does; the normalisation itself uses the biased one.
 */
function batchNormImpl(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  options: BatchNormOptions = {},
): Tensor {
  return batchNormThen(x, runningMean, runningVar, weight, bias, options);
}

/** relu?(batchNorm(x, ...) + residual) in the passes of batchNorm alone: the epilogue rides on its scale and shift. */
export function batchNormThen(
  x: Tensor,
  runningMean: Tensor | null,
  runningVar: Tensor | null,
  weight: Tensor | null,
  bias: Tensor | null,
  { training = false, momentum = 0.1, eps = 1e-5 }: BatchNormOptions,
  { residual = null, relu = false }: BatchNormEpilogue = {},
): Tensor {
  checkTensor(x, 'batchNorm');
  if (x.ndim < 2) throw new RangeError(`batchNorm: expected an input [N, C, ...] with at least 2 dims, got ${fmt(x.shape)}`);
  const channels = x.shape[1];
  checkChannelVector(runningMean, 'runningMean', channels, x);
  checkChannelVector(runningVar, 'runningVar', channels, x);
  checkChannelVector(weight, 'weight', channels, x);
  checkChannelVector(bias, 'bias', channels, x);
  const attrs = { training, momentum, eps, relu };
  return traced('batchNorm', [x, runningMean, runningVar, weight, bias, residual], attrs, () =>
    batchNormChecked(x, runningMean, runningVar, weight, bias, { training, momentum, eps }, { residual, relu }));
}

function batchNormChecked(
  x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, weight: Tensor | null, bias: Tensor | null,
  { training, momentum, eps }: Required<BatchNormOptions>, { residual, relu }: Required<BatchNormEpilogue>,
): Tensor {
  const channels = x.shape[1];
  const affine = (scale: Tensor): Tensor => (weight ? mul(scale, weight) : scale);
  if (!training) {
    if (!runningMean || !runningVar) throw new Error('batchNorm: runningMean and runningVar are required when training is false');
    const { scale, shift } = batchNormInferenceAffine(runningMean, runningVar, weight, bias, eps);
    return channelAffine(x, scale, shift, { residual, relu });
  }
  const count = x.numel() / channels;
  if (count <= 1) throw new RangeError(`batchNorm: expected more than 1 value per channel when training, got input ${fmt(x.shape)}`);
  const stats = hasBatchNormSums(x) ? kernelStatistics(x) : recordedStatistics(x);
  noGrad(() => {
    // a tensor momentum (BatchNorm's cumulative average, 1/batches seen) stays on the device: no read
    const old = typeof momentum === 'number' ? 1 - momentum : sub(1, momentum);
    const unbiased = typeof momentum === 'number' ? (momentum * count) / (count - 1) : mul(momentum, count / (count - 1));
    if (runningMean) copy_(runningMean, add(mul(runningMean, old), mul(stats.mean, momentum)));
    if (runningVar) copy_(runningVar, add(mul(runningVar, old), mul(stats.variance, unbiased)));
  });
  return normalised(x, stats, eps, weight, bias, { residual, relu });
}

/**
 * A training batch's statistics, [C] each. `centred` (x − μ, of x's shape) exists where they came from recorded
 * ops: then μ and σ⁻¹ are differentiable functions of x, and the backward formula (written with ops) is too.
 */
interface Statistics {
  mean: Tensor;
  variance: Tensor;
  centred: Tensor | null;
}

/** Every dim but the channels (1). */
const reducedDims = (x: Tensor): number[] => x.shape.map((_, d) => d).filter((d) => d !== 1);

/** With ops that autograd records; the centred input serves the (biased) variance, the output and the backward. */
function recordedStatistics(x: Tensor): Statistics {
  const channels = x.shape[1];
  const dims = reducedDims(x);
  // statistics broadcast as [1, C, 1, ...]
  const centre = mean(x, dims, true);
  const centred = sub(x, centre);
  const spread = mean(mul(centred, centred), dims, true);
  return { mean: reshape(centre, [channels]), variance: reshape(spread, [channels]), centred };
}

/** One backend kernel (native: one pass per channel); nothing recorded and no activation-sized temporary. */
function kernelStatistics(x: Tensor): Statistics {
  const [m, v] = batchNormStatistics(x);
  return { mean: m, variance: v, centred: null };
}

/**
 * w·σ⁻¹·(x − μ) + b (+ residual, ReLU) with the training-mode gradient in closed form (Ioffe & Szegedy 2015):
 *   dx = w·σ⁻¹·(dy − mean(dy) − x̂·mean(dy·x̂)),   dw = Σ dy·x̂,   db = Σ dy
 * about 8 passes over the activations where autograd through mean, sub, mul and rsqrt takes twice as many
 * (three with a backend's batchNormBackwardSums). With kernel statistics the output is x·α + (b − μ·α), α = w·σ⁻¹,
 * as PyTorch's CPU kernel computes it; a double backward then recomputes μ and σ⁻¹ with recorded ops.
 */
function normalised(x: Tensor, stats: Statistics, eps: number, weight: Tensor | null, bias: Tensor | null,
                    epilogue: Required<BatchNormEpilogue>): Tensor {
  const { relu } = epilogue;
  const invStd = rsqrt(add(stats.variance, eps));
  const scale = weight ? mul(invStd, weight) : invStd;
  const out = noGrad(() => stats.centred
    ? channelAffine(stats.centred, scale, bias, epilogue)
    : channelAffine(x, scale, sub(bias ?? 0, mul(stats.mean, scale)), epilogue));
  const inputs = [x, weight, bias, epilogue.residual];
  return record('NativeBatchNormBackward0', out, inputs.filter((t): t is Tensor => t !== null), (g) => {
    // the one ReLU gradient rule (threshold_backward: NaN passes the gradient), as the unfused ReLU
    const gy = relu ? activationBackward('threshold', g, out) : g;
    if (stats.centred || isGradEnabled()) {
      // the graph of a double backward needs μ and σ⁻¹ as recorded functions of x
      const recorded = stats.centred ? { ...stats, centred: stats.centred, invStd, scale } : recordedAffine(x, eps, weight);
      const dims = reducedDims(x);
      const sums = [sum(gy, dims), sum(mul(gy, recorded.centred), dims)] as const;
      return closedForm(x, gy, recorded, sums, inputs);
    }
    return closedForm(x, gy, { ...stats, invStd, scale }, batchNormBackwardSums(gy, x, stats.mean), inputs);
  });
}

interface Affine extends Statistics {
  invStd: Tensor;
  scale: Tensor;
}

function recordedAffine(x: Tensor, eps: number, weight: Tensor | null): Affine & { centred: Tensor } {
  const stats = recordedStatistics(x);
  const invStd = rsqrt(add(stats.variance, eps));
  return { ...stats, centred: stats.centred!, invStd, scale: weight ? mul(invStd, weight) : invStd };
}

/** The gradients of x, weight, bias and residual (those that exist) from Σdy and Σdy·(x − μ) per channel. */
function closedForm(x: Tensor, gy: Tensor, a: Affine, [sumGyAll, sumGyCentredAll]: readonly [Tensor, Tensor], inputs: readonly (Tensor | null)[]): Tensor[] {
  const channels = x.shape[1];
  const count = x.numel() / channels;
  const sumGy = reshape(sumGyAll, [channels]);
  const sumGyCentred = reshape(sumGyCentredAll, [channels]);
  const { scale, invStd } = a;
  // dx = k1·dy + k2·(x − μ) + k3:  k1 = w·σ⁻¹,  k2 = −w·σ⁻³·Σdy(x − μ)/M,  k3 = −w·σ⁻¹·Σdy/M
  const dx = (): Tensor => {
    const k2 = neg(div(mul(mul(scale, square(invStd)), sumGyCentred), count));
    const k3 = neg(div(mul(scale, sumGy), count));
    const residual = channelAffine(gy, scale, null);
    // without the centred input: k2·x + (k3 − k2·μ)
    return a.centred ? channelAffine(a.centred, k2, k3, { residual }) : channelAffine(x, k2, sub(k3, mul(k2, a.mean)), { residual });
  };
  const grads = [x.requiresGrad ? dx() : null, mul(sumGyCentred, invStd), sumGy, gy];
  return grads.filter((_, i) => inputs[i] !== null) as Tensor[];
}

const BATCH_NORM_SIG = signature('batchNorm', 'torch.nn.functional.', [['input', is.tensor], ['runningMean', is.nullable(is.tensor)], ['runningVar', is.nullable(is.tensor)]], [['weight', is.nullable(is.tensor)], ['bias', is.nullable(is.tensor)], ['training', is.bool], ['momentum', is.number], ['eps', is.number]]);
export const batchNorm = define(BATCH_NORM_SIG, ({ input, runningMean, runningVar, weight = null, bias = null, ...o }) => batchNormImpl(input, runningMean, runningVar, weight, bias, o));

/**
 * Batch normalisation (Ioffe & Szegedy 2015) as F.batch_norm: normalise each channel of [N, C, ...] by its
 * batch statistics (training) or by running estimates (evaluation), then scale and shift per channel.
 */
import { define, is, signature } from '../core/args.js';
import { traced } from '../ops/trace.js';
import { noGrad, record } from '../core/autograd.js';
import { fmt } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { activationBackward } from '../ops/activation-backward.js';
import { add, channelAffine, copy_, div, mean, mul, neg, reshape, rsqrt, square, sub, sum } from '../ops/index.js';
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

/**
 * BatchNorm in inference as one per-channel affine x·scale + shift, as PyTorch's CPU kernel computes it:
 * scale = w / sqrt(var + eps), shift = b − mean·scale (ck.fuse hands these to a convolution's epilogue).
 */
export function batchNormInferenceAffine(
  runningMean: Tensor, runningVar: Tensor, weight: Tensor | null, bias: Tensor | null, eps: number,
): { scale: Tensor; shift: Tensor } {
  const inv = rsqrt(add(runningVar, eps));
  const scale = weight ? mul(inv, weight) : inv;
  return { scale, shift: sub(bias ?? 0, mul(runningMean, scale)) };
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
  // statistics broadcast as [1, C, 1, ...]
  const dims = x.shape.map((_, i) => i).filter((i) => i !== 1);
  const centre = mean(x, dims, true);
  // the centred input serves both the (biased) variance and the output
  const centred = sub(x, centre);
  const spread = mean(mul(centred, centred), dims, true);
  noGrad(() => {
    // a tensor momentum (BatchNorm's cumulative average, 1/batches seen) stays on the device: no read
    const old = typeof momentum === 'number' ? 1 - momentum : sub(1, momentum);
    const unbiased = typeof momentum === 'number' ? (momentum * count) / (count - 1) : mul(momentum, count / (count - 1));
    if (runningMean) copy_(runningMean, add(mul(runningMean, old), mul(reshape(centre, [channels]), momentum)));
    if (runningVar) copy_(runningVar, add(mul(runningVar, old), mul(reshape(spread, [channels]), unbiased)));
  });
  const invStd = rsqrt(add(reshape(spread, [channels]), eps));
  return normalised(x, centred, invStd, weight, bias, { residual, relu });
}

/**
 * w·σ⁻¹·(x − μ) + b (+ residual, ReLU) with the training-mode gradient in closed form (Ioffe & Szegedy 2015):
 *   dx = w·σ⁻¹·(dy − mean(dy) − x̂·mean(dy·x̂)),   dw = Σ dy·x̂,   db = Σ dy
 * about 8 passes over the activations where autograd through mean, sub, mul and rsqrt takes twice as many.
 * μ and σ⁻¹ come from recorded ops, so the formula (written with ops) is itself differentiable.
 */
function normalised(x: Tensor, centred: Tensor, invStd: Tensor, weight: Tensor | null, bias: Tensor | null,
                    epilogue: Required<BatchNormEpilogue>): Tensor {
  const { residual, relu } = epilogue;
  const scale = weight ? mul(invStd, weight) : invStd;
  const out = noGrad(() => channelAffine(centred, scale, bias, epilogue));
  const inputs = [x, weight, bias, residual];
  return record('NativeBatchNormBackward0', out, inputs.filter((t): t is Tensor => t !== null), (g) => {
    const channels = x.shape[1];
    const count = x.numel() / channels;
    const dims = x.shape.map((_, d) => d).filter((d) => d !== 1);
    // the one ReLU gradient rule (threshold_backward: NaN passes the gradient), as the unfused ReLU
    const gy = relu ? activationBackward('threshold', g, out) : g;
    const sumGy = reshape(sum(gy, dims), [channels]);
    const sumGyCentred = reshape(sum(mul(gy, centred), dims), [channels]);
    // dx = k1·dy + k2·(x − μ) + k3:  k1 = w·σ⁻¹,  k2 = −w·σ⁻³·Σdy(x − μ)/M,  k3 = −w·σ⁻¹·Σdy/M
    const dx = (): Tensor => {
      const k2 = neg(div(mul(mul(scale, square(invStd)), sumGyCentred), count));
      const k3 = neg(div(mul(scale, sumGy), count));
      return channelAffine(centred, k2, k3, { residual: channelAffine(gy, scale, null) });
    };
    const grads = [x.requiresGrad ? dx() : null, mul(sumGyCentred, invStd), sumGy, gy];
    return grads.filter((_, i) => inputs[i] !== null);
  });
}

const BATCH_NORM_SIG = signature('batchNorm', 'torch.nn.functional.batch_norm', [['input', is.tensor], ['runningMean', is.nullable(is.tensor)], ['runningVar', is.nullable(is.tensor)]], [['weight', is.nullable(is.tensor)], ['bias', is.nullable(is.tensor)], ['training', is.bool], ['momentum', is.number], ['eps', is.number]]);
export const batchNorm = define(BATCH_NORM_SIG, ({ input, runningMean, runningVar, weight = null, bias = null, ...o }) => batchNormImpl(input, runningMean, runningVar, weight, bias, o));

/**
 * Normalisation over other axes than BatchNorm's, as F.layer_norm, F.group_norm and F.instance_norm: each
 * is mean/variance arithmetic on ops, so its gradient comes from autograd.
 */
import { noGrad } from '../core/autograd.js';
import { define, is, signature } from '../core/args.js';
import { fmt } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { add, copy_, mean, mul, reshape, rsqrt, square, sub } from '../ops/index.js';
import { checkFloating } from './check.js';

/** (x - mean) / sqrt(var + eps) over `dims`, the biased variance, as every normalisation layer uses. */
function standardize(x: Tensor, dims: number[], eps: number): Tensor {
  const centred = sub(x, mean(x, dims, true));
  return mul(centred, rsqrt(add(mean(square(centred), dims, true), eps)));
}

/** Per-channel weight and bias of [N, C, ...] inputs, shaped to broadcast over the channel dim. */
function channelAffine(y: Tensor, weight: Tensor | null, bias: Tensor | null, op: string): Tensor {
  const c = y.shape[1];
  const shape = y.shape.map((s, i) => (i === 1 ? s : 1));
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (t && (t.ndim !== 1 || t.shape[0] !== c)) throw new RangeError(`${op}: expected ${name} of shape [${c}] for input ${fmt(y.shape)}, got ${fmt(t.shape)}`);
  }
  let out = y;
  if (weight) out = mul(out, reshape(weight, shape));
  if (bias) out = add(out, reshape(bias, shape));
  return out;
}

const optTensor = is.nullable(is.tensor);

const LAYER_NORM = signature('layerNorm', 'torch.nn.functional.', [['input', is.tensor], ['normalizedShape', is.intOrTuple]], [
  ['weight', optTensor], ['bias', optTensor], ['eps', is.number],
]);

/** F.layer_norm: normalises over the last dims (`normalizedShape`), then weight·y + bias of that shape. */
export const layerNorm = define(LAYER_NORM, ({ input, normalizedShape, weight = null, bias = null, eps = 1e-5 }): Tensor => {
  checkFloating(input, 'layerNorm');
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  const tail = input.shape.slice(input.ndim - shape.length);
  if (shape.length === 0 || shape.length > input.ndim || tail.some((s, i) => s !== shape[i])) {
    throw new RangeError(`layerNorm: input ${fmt(input.shape)} does not end with normalizedShape ${fmt(shape)}`);
  }
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (t && fmt(t.shape) !== fmt(shape)) throw new RangeError(`layerNorm: expected ${name} of shape ${fmt(shape)}, got ${fmt(t.shape)}`);
  }
  let y = standardize(input, shape.map((_, i) => input.ndim - shape.length + i), eps);
  if (weight) y = mul(y, weight);
  if (bias) y = add(y, bias);
  return y;
});

const GROUP_NORM = signature('groupNorm', 'torch.nn.functional.', [['input', is.tensor], ['numGroups', is.int]], [
  ['weight', optTensor], ['bias', optTensor], ['eps', is.number],
]);

/** F.group_norm: channels split into numGroups groups, each normalised over its channels and positions. */
export const groupNorm = define(GROUP_NORM, ({ input, numGroups, weight = null, bias = null, eps = 1e-5 }): Tensor => {
  checkFloating(input, 'groupNorm');
  if (input.ndim < 2) throw new RangeError(`groupNorm: expected an input [N, C, ...], got ${fmt(input.shape)}`);
  const [n, c] = input.shape;
  if (numGroups <= 0 || c % numGroups !== 0) throw new RangeError(`groupNorm: expected the ${c} channels of ${fmt(input.shape)} to divide into numGroups (${numGroups})`);
  const grouped = reshape(input, [n, numGroups, -1]);
  const y = reshape(standardize(grouped, [2], eps), input.shape);
  return channelAffine(y, weight, bias, 'groupNorm');
});

const INSTANCE_NORM = signature('instanceNorm', 'torch.nn.functional.', [['input', is.tensor]], [
  ['runningMean', optTensor], ['runningVar', optTensor], ['weight', optTensor], ['bias', optTensor],
  ['useInputStats', is.bool], ['momentum', is.number], ['eps', is.number],
]);

/**
 * F.instance_norm: each channel of each sample normalised over its positions. With running statistics and
 * useInputStats, they move towards the batch average of the per-instance mean and unbiased variance (in
 * place), as PyTorch's; without useInputStats the running statistics normalise (evaluation).
 */
export const instanceNorm = define(INSTANCE_NORM, (v): Tensor => {
  const { input, runningMean = null, runningVar = null, weight = null, bias = null, useInputStats = true, momentum = 0.1, eps = 1e-5 } = v;
  checkFloating(input, 'instanceNorm');
  if (input.ndim < 3) throw new RangeError(`instanceNorm: expected an input [N, C, ...] with at least one spatial dim, got ${fmt(input.shape)}`);
  const spatial = input.shape.map((_, i) => i).slice(2);
  const shape = input.shape.map((s, i) => (i === 1 ? s : 1));
  if (!useInputStats) {
    if (!runningMean || !runningVar) throw new Error('instanceNorm: useInputStats=false needs runningMean and runningVar');
    const y = mul(sub(input, reshape(runningMean, shape)), rsqrt(add(reshape(runningVar, shape), eps)));
    return channelAffine(y, weight, bias, 'instanceNorm');
  }
  if (runningMean && runningVar) updateRunning(input, spatial, runningMean, runningVar, momentum);
  return channelAffine(standardize(input, spatial, eps), weight, bias, 'instanceNorm');
});

function updateRunning(x: Tensor, spatial: number[], runningMean: Tensor, runningVar: Tensor, momentum: number): void {
  noGrad(() => {
    const count = spatial.reduce((p, d) => p * x.shape[d], 1);
    const m = mean(x, spatial, true);
    const unbiased = mul(mean(square(sub(x, m)), spatial), count / Math.max(count - 1, 1));
    const batchMean = mean(reshape(m, x.shape.slice(0, 2)), 0);
    copy_(runningMean, add(mul(runningMean, 1 - momentum), mul(batchMean, momentum)));
    copy_(runningVar, add(mul(runningVar, 1 - momentum), mul(mean(unbiased, 0), momentum)));
  });
}

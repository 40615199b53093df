/**
 * Activation functions (F.relu, F.softmax, ...), written from primitive ops so their gradients come
 * from autograd. Branches that can overflow are clamped first: `where` sends a zero gradient to the
 * branch it does not pick, and zero times an infinite local derivative would be NaN.
 */
import { traced } from '../ops/trace.js';
import type { Tensor } from '../core/tensor.js';
import { noGrad, record } from '../core/autograd.js';
import { isFloating } from '../core/dtype.js';
import { normDim } from '../core/shape.js';
import { activationBackward } from '../ops/activation-backward.js';
import {
  add, amax, clamp, detach, div, erf, exp, expm1, gt, log1p, logsumexp, lt, mul, relu, sigmoid, sub, sum, tanh, where,
} from '../ops/index.js';
import { checkTensor } from './check.js';

export { relu, sigmoid, tanh };

/** min(max(x, 0), 6); like PyTorch (hardtanh) the gradient is zero at x = 0 and x = 6. */
export function relu6(x: Tensor): Tensor {
  checkTensor(x, 'relu6');
  return traced('hardtanh', [x], { min: 0, max: 6 }, () => where(lt(x, 6), relu(x), 6));
}

export interface LeakyReluOptions {
  negativeSlope?: number;
}

/** x for x > 0, negativeSlope·x otherwise. */
export function leakyRelu(x: Tensor, { negativeSlope = 0.01 }: LeakyReluOptions = {}): Tensor {
  checkTensor(x, 'leakyRelu');
  return traced('leakyRelu', [x], { negativeSlope }, () => leakyReluChecked(x, negativeSlope));
}

function leakyReluChecked(x: Tensor, negativeSlope: number): Tensor {
  if (!isFloating(x.dtype)) return where(gt(x, 0), x, mul(x, negativeSlope));
  // x > 0 ? x : x·slope is the gradient kernel applied to x itself: one pass, one array
  const out = noGrad(() => activationBackward('leakyRelu', x, x, negativeSlope));
  return record('LeakyReluBackward0', out, [x], (g) => [activationBackward('leakyRelu', g, x, negativeSlope)]);
}

export interface EluOptions {
  alpha?: number;
}

/** x for x > 0, alpha·(eˣ - 1) otherwise. */
export function elu(x: Tensor, { alpha = 1 }: EluOptions = {}): Tensor {
  checkTensor(x, 'elu');
  return traced('elu', [x], { alpha }, () => where(gt(x, 0), x, mul(expm1(clamp(x, null, 0)), alpha)));
}

export interface GeluOptions {
  /** 'none': x·Φ(x) exactly (erf); 'tanh': the tanh approximation. */
  approximate?: 'none' | 'tanh';
}

/** x·Φ(x), Φ the standard normal CDF. */
export function gelu(x: Tensor, { approximate = 'none' }: GeluOptions = {}): Tensor {
  checkTensor(x, 'gelu');
  if (approximate === 'none') return mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1));
  if (approximate === 'tanh') {
    const inner = mul(add(x, mul(mul(mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI));
    return mul(mul(x, 0.5), add(tanh(inner), 1));
  }
  throw new RangeError(`gelu: approximate must be 'none' or 'tanh', got ${JSON.stringify(approximate)}`);
}

/** x·σ(x), also called swish. */
export function silu(x: Tensor): Tensor {
  checkTensor(x, 'silu');
  return mul(x, sigmoid(x));
}

export interface SoftplusOptions {
  beta?: number;
  /** Above beta·x > threshold the function is taken as linear (as PyTorch does). */
  threshold?: number;
}

/** log(1 + e^(beta·x)) / beta. */
export function softplus(x: Tensor, { beta = 1, threshold = 20 }: SoftplusOptions = {}): Tensor {
  checkTensor(x, 'softplus');
  const bx = mul(x, beta);
  return where(gt(bx, threshold), x, div(log1p(exp(clamp(bx, null, threshold))), beta));
}

function softmaxDim(x: Tensor, dim: number, op: string): number {
  checkTensor(x, op);
  if (dim === undefined) throw new RangeError(`${op}: dim is required (PyTorch's implicit dim choice is deprecated)`);
  return normDim(dim, x.ndim, op);
}

/** e^(x_i) / Σ_j e^(x_j) along dim; the maximum is subtracted first so large inputs do not overflow. */
export function softmax(x: Tensor, dim: number): Tensor {
  const d = softmaxDim(x, dim, 'softmax');
  return traced('softmax', [x], { dim: d }, () => {
    const e = exp(sub(x, detach(amax(x, d, true))));
    return div(e, sum(e, d, true));
  });
}

/** x_i - log Σ_j e^(x_j) along dim, without overflow. */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  const d = softmaxDim(x, dim, 'logSoftmax');
  return traced('logSoftmax', [x], { dim: d }, () => sub(x, logsumexp(x, d, true)));
}

/**
 * Activation functions (F.relu, F.softmax, ...), written from primitive ops so their gradients come
 * from autograd. Branches that can overflow are clamped first: `where` sends a zero gradient to the
 * branch it does not pick, and zero times an infinite local derivative would be NaN.
 */
import { define, is, signature } from '../core/args.js';
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

const RELU_SIG = signature('relu', 'torch.nn.functional.', [['input', is.tensor]], [['inplace', is.bool]]);
/** F.relu(input, inplace): inplace is accepted for PyTorch's spelling; convkit computes out of place. */
const reluF = define(RELU_SIG, ({ input }) => relu(input));
const sigmoidF = define(signature('F.sigmoid', null, [['input', is.tensor]], []), ({ input }) => sigmoid(input));
const tanhF = define(signature('F.tanh', null, [['input', is.tensor]], []), ({ input }) => tanh(input));
export { reluF as relu, sigmoidF as sigmoid, tanhF as tanh };

/** min(max(x, 0), 6); like PyTorch (hardtanh) the gradient is zero at x = 0 and x = 6. */
function relu6Impl(x: Tensor): Tensor {
  checkTensor(x, 'relu6');
  return traced('hardtanh', [x], { min: 0, max: 6 }, () => where(lt(x, 6), relu(x), 6));
}

export interface LeakyReluOptions {
  negativeSlope?: number;
}

/** x for x > 0, negativeSlope·x otherwise. */
function leakyReluImpl(x: Tensor, { negativeSlope = 0.01 }: LeakyReluOptions = {}): Tensor {
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
function eluImpl(x: Tensor, { alpha = 1 }: EluOptions = {}): Tensor {
  checkTensor(x, 'elu');
  return traced('elu', [x], { alpha }, () => where(gt(x, 0), x, mul(expm1(clamp(x, null, 0)), alpha)));
}

export interface GeluOptions {
  /** 'none': x·Φ(x) exactly (erf); 'tanh': the tanh approximation. */
  approximate?: 'none' | 'tanh';
}

/** x·Φ(x), Φ the standard normal CDF. */
function geluImpl(x: Tensor, { approximate = 'none' }: GeluOptions = {}): Tensor {
  checkTensor(x, 'gelu');
  if (approximate === 'none') return mul(mul(x, 0.5), add(erf(mul(x, Math.SQRT1_2)), 1));
  if (approximate === 'tanh') {
    const inner = mul(add(x, mul(mul(mul(x, x), x), 0.044715)), Math.sqrt(2 / Math.PI));
    return mul(mul(x, 0.5), add(tanh(inner), 1));
  }
  throw new RangeError(`gelu: approximate must be 'none' or 'tanh', got ${JSON.stringify(approximate)}`);
}

/** x·σ(x), also called swish. */
function siluImpl(x: Tensor): Tensor {
  checkTensor(x, 'silu');
  return mul(x, sigmoid(x));
}

export interface SoftplusOptions {
  beta?: number;
  /** Above beta·x > threshold the function is taken as linear (as PyTorch does). */
  threshold?: number;
}

/** log(1 + e^(beta·x)) / beta. */
function softplusImpl(x: Tensor, { beta = 1, threshold = 20 }: SoftplusOptions = {}): Tensor {
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
function softmaxImpl(x: Tensor, dim: number): Tensor {
  const d = softmaxDim(x, dim, 'softmax');
  return traced('softmax', [x], { dim: d }, () => {
    const e = exp(sub(x, detach(amax(x, d, true))));
    return div(e, sum(e, d, true));
  });
}

/** x_i - log Σ_j e^(x_j) along dim, without overflow. */
function logSoftmaxImpl(x: Tensor, dim: number): Tensor {
  const d = softmaxDim(x, dim, 'logSoftmax');
  return traced('logSoftmax', [x], { dim: d }, () => sub(x, logsumexp(x, d, true)));
}

const RELU6_SIG = signature('relu6', 'torch.nn.functional.', [['input', is.tensor]], [['inplace', is.bool]]);
export const relu6 = define(RELU6_SIG, ({ input }) => relu6Impl(input));
const LEAKY_RELU_SIG = signature('leakyRelu', 'torch.nn.functional.', [['input', is.tensor]], [['negativeSlope', is.number], ['inplace', is.bool]]);
export const leakyRelu = define(LEAKY_RELU_SIG, ({ input, ...o }) => leakyReluImpl(input, o));
const ELU_SIG = signature('elu', 'torch.nn.functional.', [['input', is.tensor]], [['alpha', is.number], ['inplace', is.bool]]);
export const elu = define(ELU_SIG, ({ input, ...o }) => eluImpl(input, o));
const GELU_SIG = signature('gelu', 'torch.nn.functional.', [['input', is.tensor]], [['approximate', is.oneOf('none', 'tanh')]]);
export const gelu = define(GELU_SIG, ({ input, ...o }) => geluImpl(input, o));
const SILU_SIG = signature('silu', 'torch.nn.functional.', [['input', is.tensor]], [['inplace', is.bool]]);
export const silu = define(SILU_SIG, ({ input }) => siluImpl(input));
const SOFTPLUS_SIG = signature('softplus', 'torch.nn.functional.', [['input', is.tensor]], [['beta', is.number], ['threshold', is.number]]);
export const softplus = define(SOFTPLUS_SIG, ({ input, ...o }) => softplusImpl(input, o));
const SOFTMAX_SIG = signature('softmax', 'torch.nn.functional.', [['input', is.tensor], ['dim', is.int]], []);
export const softmax = define(SOFTMAX_SIG, ({ input, dim }) => softmaxImpl(input, dim));
const LOG_SOFTMAX_SIG = signature('logSoftmax', 'torch.nn.functional.', [['input', is.tensor], ['dim', is.int]], []);
export const logSoftmax = define(LOG_SOFTMAX_SIG, ({ input, dim }) => logSoftmaxImpl(input, dim));

/**
 * Weight initialisers (torch.nn.init): each fills a tensor in place, outside autograd, and returns it.
 * He (Kaiming) initialisation: std = gain/√fan (gain √2 for ReLU); Glorot (Xavier): std = gain·√(2/(fan_in + fan_out)).
 * A uniform distribution on [-b, b] has std b/√3, so the uniform variants use b = √3·std.
 */
import { define, is, signature } from '../core/args.js';
import { noGrad } from '../core/autograd.js';
import { normalCdf } from '../core/erf.js';
import { defaultGenerator, type Generator } from '../core/random.js';
import { fmt } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { allocArray } from '../core/dtype.js';
import { copy_, tensor } from '../ops/index.js';
import { checkFloating, checkTensor } from './check.js';

export type Nonlinearity =
  | 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

export type FanMode = 'fan_in' | 'fan_out';

export interface RandomInitOptions {
  generator?: Generator;
}

/**
 * The factor that keeps activations' variance stable through a nonlinearity (PyTorch's values):
 * 1 for linear layers and sigmoid, 5/3 for tanh, √2 for ReLU, √(2/(1 + slope²)) for leaky ReLU, 3/4 for SELU.
 */
function calculateGainImpl(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'conv3d':
    case 'conv_transpose1d': case 'conv_transpose2d': case 'conv_transpose3d': case 'sigmoid':
      return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'selu': return 3 / 4;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      if (typeof slope !== 'number' || !Number.isFinite(slope)) throw new RangeError(`calculateGain: negative slope ${slope} is not a valid number`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    default:
      throw new RangeError(`calculateGain: unsupported nonlinearity ${JSON.stringify(nonlinearity)}`);
  }
}

/**
 * [fan_in, fan_out] of a weight [out, in, ...kernel]: in·∏kernel and out·∏kernel.
 * (For transposed convolutions, whose weight is [in, out/groups, ...], this reads dim 1 as PyTorch does.)
 */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  checkTensor(t, 'calculateFanInAndFanOut', 'tensor');
  if (t.ndim < 2) throw new RangeError(`calculateFanInAndFanOut: fan in and fan out can not be computed for a tensor with fewer than 2 dimensions, got ${fmt(t.shape)}`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

/** Writes `values` into `t` without recording, and returns `t`. */
function fill(t: Tensor, values: () => Tensor): Tensor {
  return noGrad(() => copy_(t, values()));
}

/**
 * Fills `t` with one draw of `sample` per element, generated straight into a host array: one pass, no
 * temporaries, which matters for layers like VGG's Linear(25088, 4096) with 100 million weights.
 */
function fillSampled(t: Tensor, sample: () => number): Tensor {
  const values = allocArray(t.dtype, t.numel());
  for (let i = 0; i < values.length; i++) values[i] = sample();
  return fill(t, () => tensor(values, { shape: t.shape, device: t.device }));
}

function checkInit(t: Tensor, op: string): void {
  checkTensor(t, op, 'tensor');
  checkFloating(t, op, 'tensor');
}

export interface UniformOptions extends RandomInitOptions {
  a?: number;
  b?: number;
}

/** U(a, b), default U(0, 1). */
function uniform_Impl(t: Tensor, { a = 0, b = 1, generator }: UniformOptions = {}): Tensor {
  checkInit(t, 'uniform_');
  if (!(a <= b)) throw new RangeError(`uniform_: expected a <= b, got a=${a}, b=${b}`);
  const g = generator ?? defaultGenerator;
  return fillSampled(t, () => a + (b - a) * g.random());
}

export interface NormalOptions extends RandomInitOptions {
  mean?: number;
  std?: number;
}

/** N(mean, std²), default N(0, 1). */
function normal_Impl(t: Tensor, { mean = 0, std = 1, generator }: NormalOptions = {}): Tensor {
  checkInit(t, 'normal_');
  if (!(std >= 0)) throw new RangeError(`normal_: expected std >= 0, got ${std}`);
  const g = generator ?? defaultGenerator;
  return fillSampled(t, () => mean + std * g.normal());
}

export interface TruncNormalOptions extends NormalOptions {
  /** Lower cut-off, in the same units as the values (not in standard deviations). Default -2. */
  a?: number;
  /** Upper cut-off. Default 2. */
  b?: number;
}

/** Samples one value of N(mean, std²) restricted to [a, b]. */
function truncatedNormalSampler(mean: number, std: number, a: number, b: number, g: Generator): () => number {
  const lo = normalCdf((a - mean) / std);
  const hi = normalCdf((b - mean) / std);
  if (hi - lo >= 0.25) {
    // rejection is exact and cheap when most draws fall inside
    return () => {
      for (;;) {
        const v = mean + std * g.normal();
        if (v >= a && v <= b) return v;
      }
    };
  }
  // far in a tail: invert the CDF of a uniform draw in [Φ(α), Φ(β)] by bisection
  return () => {
    const u = lo + (hi - lo) * g.random();
    let left = (a - mean) / std;
    let right = (b - mean) / std;
    for (let i = 0; i < 100 && right - left > 1e-12 * Math.max(1, Math.abs(left)); i++) {
      const mid = (left + right) / 2;
      if (normalCdf(mid) < u) left = mid;
      else right = mid;
    }
    return mean + std * ((left + right) / 2);
  };
}

/** N(mean, std²) truncated to [a, b] (resampled, not clamped), as torch.nn.init.trunc_normal_. */
function truncNormal_Impl(t: Tensor, { mean = 0, std = 1, a = -2, b = 2, generator }: TruncNormalOptions = {}): Tensor {
  checkInit(t, 'truncNormal_');
  if (!(std > 0)) throw new RangeError(`truncNormal_: expected std > 0, got ${std}`);
  if (!(a < b)) throw new RangeError(`truncNormal_: expected a < b, got a=${a}, b=${b}`);
  return fillSampled(t, truncatedNormalSampler(mean, std, a, b, generator ?? defaultGenerator));
}

/** Fills with `value`. */
function constant_Impl(t: Tensor, value: number): Tensor {
  checkInit(t, 'constant_');
  return fill(t, () => tensor(value, { dtype: t.dtype, device: t.device }));
}

const zeros_Impl = (t: Tensor): Tensor => constant_(t, 0);
const ones_Impl = (t: Tensor): Tensor => constant_(t, 1);

export interface XavierOptions extends RandomInitOptions {
  gain?: number;
}

function xavierStd(t: Tensor, gain: number): number {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return gain * Math.sqrt(2 / (fanIn + fanOut));
}

/** Glorot & Bengio (2010): U(-b, b) with b = gain·√(6/(fan_in + fan_out)). */
function xavierUniform_Impl(t: Tensor, { gain = 1, generator }: XavierOptions = {}): Tensor {
  checkInit(t, 'xavierUniform_');
  const bound = Math.sqrt(3) * xavierStd(t, gain);
  return uniform_(t, { a: -bound, b: bound, generator });
}

/** Glorot & Bengio (2010): N(0, std²) with std = gain·√(2/(fan_in + fan_out)). */
function xavierNormal_Impl(t: Tensor, { gain = 1, generator }: XavierOptions = {}): Tensor {
  checkInit(t, 'xavierNormal_');
  return normal_(t, { std: xavierStd(t, gain), generator });
}

export interface KaimingOptions extends RandomInitOptions {
  /** The negative slope of the leaky ReLU that follows (used when nonlinearity is 'leaky_relu'). Default 0. */
  a?: number;
  /** 'fan_in' keeps the forward activations' variance, 'fan_out' the backward gradients'. Default 'fan_in'. */
  mode?: FanMode;
  /** Default 'leaky_relu' (with a = 0 that is ReLU's gain √2). */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: Tensor, op: string, { a = 0, mode = 'fan_in', nonlinearity = 'leaky_relu' }: KaimingOptions): number {
  if (mode !== 'fan_in' && mode !== 'fan_out') throw new RangeError(`${op}: mode must be 'fan_in' or 'fan_out', got ${JSON.stringify(mode)}`);
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return calculateGain(nonlinearity, a) / Math.sqrt(mode === 'fan_in' ? fanIn : fanOut);
}

/** He et al. (2015): U(-b, b) with b = gain·√(3/fan). */
function kaimingUniform_Impl(t: Tensor, opts: KaimingOptions = {}): Tensor {
  checkInit(t, 'kaimingUniform_');
  if (t.numel() === 0) return t;
  const bound = Math.sqrt(3) * kaimingStd(t, 'kaimingUniform_', opts);
  return uniform_(t, { a: -bound, b: bound, generator: opts.generator });
}

/** He et al. (2015): N(0, std²) with std = gain/√fan. */
function kaimingNormal_Impl(t: Tensor, opts: KaimingOptions = {}): Tensor {
  checkInit(t, 'kaimingNormal_');
  if (t.numel() === 0) return t;
  return normal_(t, { std: kaimingStd(t, 'kaimingNormal_', opts), generator: opts.generator });
}

const CALCULATE_GAIN_SIG = signature('calculateGain', 'torch.nn.init.', [['nonlinearity', is.string]], [['param', is.nullable(is.number)]]);
export const calculateGain = define(CALCULATE_GAIN_SIG, ({ nonlinearity, param }) => calculateGainImpl(nonlinearity as Nonlinearity, param ?? undefined));
const UNIFORM__SIG = signature('uniform_', 'torch.nn.init.', [['tensor', is.tensor]], [['a', is.number], ['b', is.number]], [['generator', is.generator]]);
export const uniform_ = define(UNIFORM__SIG, ({ tensor, ...o }) => uniform_Impl(tensor, o));
const NORMAL__SIG = signature('normal_', 'torch.nn.init.', [['tensor', is.tensor]], [['mean', is.number], ['std', is.number]], [['generator', is.generator]]);
export const normal_ = define(NORMAL__SIG, ({ tensor, ...o }) => normal_Impl(tensor, o));
const TRUNC_NORMAL__SIG = signature('truncNormal_', 'torch.nn.init.', [['tensor', is.tensor]], [['mean', is.number], ['std', is.number], ['a', is.number], ['b', is.number]], [['generator', is.generator]]);
export const truncNormal_ = define(TRUNC_NORMAL__SIG, ({ tensor, ...o }) => truncNormal_Impl(tensor, o));
const CONSTANT__SIG = signature('constant_', 'torch.nn.init.', [['tensor', is.tensor], ['val', is.number]], []);
export const constant_ = define(CONSTANT__SIG, ({ tensor, val }) => constant_Impl(tensor, val));
const ZEROS__SIG = signature('zeros_', 'torch.nn.init.', [['tensor', is.tensor]], []);
export const zeros_ = define(ZEROS__SIG, ({ tensor }) => zeros_Impl(tensor));
const ONES__SIG = signature('ones_', 'torch.nn.init.', [['tensor', is.tensor]], []);
export const ones_ = define(ONES__SIG, ({ tensor }) => ones_Impl(tensor));
const XAVIER_UNIFORM__SIG = signature('xavierUniform_', 'torch.nn.init.', [['tensor', is.tensor]], [['gain', is.number]], [['generator', is.generator]]);
export const xavierUniform_ = define(XAVIER_UNIFORM__SIG, ({ tensor, ...o }) => xavierUniform_Impl(tensor, o));
const XAVIER_NORMAL__SIG = signature('xavierNormal_', 'torch.nn.init.', [['tensor', is.tensor]], [['gain', is.number]], [['generator', is.generator]]);
export const xavierNormal_ = define(XAVIER_NORMAL__SIG, ({ tensor, ...o }) => xavierNormal_Impl(tensor, o));
const KAIMING_UNIFORM__SIG = signature('kaimingUniform_', 'torch.nn.init.', [['tensor', is.tensor]], [['a', is.number], ['mode', is.oneOf('fan_in', 'fan_out')], ['nonlinearity', is.string]], [['generator', is.generator]]);
export const kaimingUniform_ = define(KAIMING_UNIFORM__SIG, ({ tensor, ...o }) => kaimingUniform_Impl(tensor, o as KaimingOptions));
const KAIMING_NORMAL__SIG = signature('kaimingNormal_', 'torch.nn.init.', [['tensor', is.tensor]], [['a', is.number], ['mode', is.oneOf('fan_in', 'fan_out')], ['nonlinearity', is.string]], [['generator', is.generator]]);
export const kaimingNormal_ = define(KAIMING_NORMAL__SIG, ({ tensor, ...o }) => kaimingNormal_Impl(tensor, o as KaimingOptions));

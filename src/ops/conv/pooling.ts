import { traced } from '../trace.js';
import { fmt } from '../../core/shape.js';
import { define, is, parseArgs, signature, withSignature, type ArgsOf } from '../../core/args.js';
import type { Tensor } from '../../core/tensor.js';
import { tensor } from '../creation.js';
import { full } from '../dispatch.js';
import { div } from '../elementwise.js';
import { reshape } from '../views.js';
import { perDim, poolOutputSize, type IntOrTuple } from './padding-rules.js';
import { firstEmptyWindow, fixedWindows, poolWindows } from './pool-windows.js';
import { conv5d, maxPool5d } from './primitives.js';
import { geometry, liftInput, lower, padLeading } from './spatial.js';

interface PoolOptions {
  /** Defaults to the kernel size. */
  stride?: IntOrTuple | null;
  /** Implicit padding on both sides (-∞ for max pooling, zeros for average pooling), at most half the kernel. */
  padding?: IntOrTuple;
  ceilMode?: boolean;
}

export interface MaxPoolOptions extends PoolOptions {
  dilation?: IntOrTuple;
  returnIndices?: boolean;
}

export interface AvgPoolOptions extends PoolOptions {
  /** Count the zero padding in the divisor (PyTorch's default: true). */
  countIncludePad?: boolean;
  /** Divide every window's sum by this instead. */
  divisorOverride?: number | null;
}

/**
 * The overloads of a max pooling: with `returnIndices: true` it returns [values, indices], as PyTorch's tuple;
 * `Args` is the positional form (PyTorch's parameter list).
 */
export interface MaxPoolFn<Size, Options, Args extends unknown[] = never> {
  (input: Tensor, size: Size, opts?: Options & { returnIndices?: false }): Tensor;
  (input: Tensor, size: Size, opts: Options & { returnIndices: true }): [Tensor, Tensor];
  (input: Tensor, size: Size, opts?: Options): Tensor | [Tensor, Tensor];
  (...args: Args): Tensor | [Tensor, Tensor];
}

const maxPoolSignature = (nd: number) => signature(`maxPool${nd}d`, `torch.nn.functional.max_pool${nd}d`, [['input', is.tensor], ['kernelSize', is.size]], [
  ['stride', is.nullable(is.size)], ['padding', is.size], ['dilation', is.size], ['ceilMode', is.bool], ['returnIndices', is.bool],
]);

interface PoolShape {
  kernel: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
  outSize: number[];
}

function poolShape(op: string, input: Tensor, spatial: readonly number[], kernelSize: IntOrTuple, opts: MaxPoolOptions): PoolShape {
  const nd = spatial.length;
  const kernel = perDim(kernelSize, nd, 'kernelSize', op, 1);
  const stride = opts.stride == null ? kernel : perDim(opts.stride, nd, 'stride', op, 1);
  const padding = perDim(opts.padding ?? 0, nd, 'padding', op, 0);
  const dilation = perDim(opts.dilation ?? 1, nd, 'dilation', op, 1);
  const outSize = spatial.map((n, i) => {
    if (padding[i] > kernel[i] / 2) throw new RangeError(`${op}: padding ${padding[i]} must be at most half of the kernel size ${kernel[i]} (spatial dim ${i})`);
    const out = poolOutputSize(n, kernel[i], stride[i], padding[i], dilation[i], opts.ceilMode ?? false);
    if (out < 1) {
      throw new RangeError(`${op}: input ${fmt(input.shape)} is too small for kernel ${fmt(kernel)} (dilation ${fmt(dilation)}, padding ${fmt(padding)}): output size ${out} in spatial dim ${i}`);
    }
    return out;
  });
  return { kernel, stride, padding, dilation, outSize };
}

function maxPoolNd(op: string, nd: number, input: Tensor, kernelSize: IntOrTuple, opts: MaxPoolOptions = {}): Tensor | [Tensor, Tensor] {
  const { x5, batched, spatial } = liftInput(op, input, nd);
  const s = poolShape(op, input, spatial, kernelSize, opts);
  const dims = s.outSize.map((out, i) => fixedWindows(out, s.kernel[i], s.stride[i], s.padding[i], s.dilation[i]));
  dims.forEach((w, i) => {
    const o = firstEmptyWindow(w, spatial[i]);
    if (o >= 0) {
      throw new RangeError(`${op}: window ${o} along spatial dim ${i} holds only padding (input ${fmt(input.shape)}, kernel ${s.kernel[i]}, dilation ${s.dilation[i]}, padding ${s.padding[i]})`);
    }
  });
  const windows = poolWindows(dims);
  if (opts.returnIndices) {
    const { values, indices } = maxPool5d(x5, windows);
    return [lower(values, nd, batched), lower(indices, nd, batched)];
  }
  const attrs = { kernel: s.kernel, stride: s.stride, padding: s.padding, dilation: s.dilation, ceilMode: opts.ceilMode ?? false };
  return traced('maxPool', [input], attrs, () => lower(maxPool5d(x5, windows).values, nd, batched));
}

type MaxPool = MaxPoolFn<IntOrTuple, MaxPoolOptions, ArgsOf<ReturnType<typeof maxPoolSignature>>>;

function maxPool(op: string, nd: number): MaxPool {
  const sig = maxPoolSignature(nd);
  const fn = (...args: unknown[]): Tensor | [Tensor, Tensor] => {
    const { input, kernelSize, ...opts } = parseArgs(sig, args);
    return maxPoolNd(op, nd, input, kernelSize, opts);
  };
  return withSignature(fn, sig) as MaxPool;
}

/**
 * PyTorch's divisor of each window along one dim: the window's length clipped to the padded input
 * (countIncludePad), or to the input itself. The divisor of a window is the product over dims.
 */
function divisorAlong(n: number, out: number, k: number, stride: number, pad: number, countIncludePad: boolean): number[] {
  return Array.from({ length: out }, (_, o) => {
    const start = o * stride - pad;
    const end = Math.min(start + k, n + pad);
    return countIncludePad ? end - start : Math.min(end, n) - Math.max(start, 0);
  });
}

function divisors(s: PoolShape, spatial: readonly number[], countIncludePad: boolean, dtype: Tensor['dtype'], device: string): Tensor {
  const perDimDivisors = spatial.map((n, i) => divisorAlong(n, s.outSize[i], s.kernel[i], s.stride[i], s.padding[i], countIncludePad));
  const values = perDimDivisors.reduce<number[]>((acc, d) => acc.flatMap((a) => d.map((b) => a * b)), [1]);
  return tensor(values, { shape: padLeading(s.outSize, 1), dtype, device });
}

/** Average pooling: the window sums are a convolution of every channel with a kernel of ones, then divided. */
function avgPoolNd(op: string, nd: number, input: Tensor, kernelSize: IntOrTuple, opts: AvgPoolOptions = {}): Tensor {
  const { x5, batched, spatial } = liftInput(op, input, nd);
  const s = poolShape(op, input, spatial, kernelSize, opts);
  const override = opts.divisorOverride;
  if (override != null && (!Number.isInteger(override) || override === 0)) throw new RangeError(`${op}: divisorOverride must be a non-zero integer, got ${override}`);
  const attrs = { kernel: s.kernel, stride: s.stride, padding: s.padding, ceilMode: opts.ceilMode ?? false, countIncludePad: opts.countIncludePad ?? true, divisorOverride: override ?? null };
  return traced('avgPool', [input], attrs, () => avgPoolWindows(x5, s, spatial, opts, nd, batched, input));
}

function avgPoolWindows(x5: Tensor, s: PoolShape, spatial: readonly number[], opts: AvgPoolOptions, nd: number, batched: boolean, input: Tensor): Tensor {
  const override = opts.divisorOverride;
  const [batch, channels, ...size5] = x5.shape;
  const planes = reshape(x5, [batch * channels, 1, ...size5]);
  const ones = full([1, 1, ...padLeading(s.kernel, 1)], 1, input.dtype, input.device);
  const geom = geometry(spatial, s.outSize, s.kernel, s.stride, s.kernel.map(() => 1), s.padding, 1);
  const sums = reshape(conv5d(planes, ones, null, geom), [batch, channels, ...geom.outSize]);
  const divisor = override != null ? override : divisors(s, spatial, opts.countIncludePad ?? true, input.dtype, input.device);
  return lower(div(sums, divisor), nd, batched);
}

/** torch.nn.functional.max_pool1d: input [N, C, W] or [C, W]. */
export const maxPool1d = maxPool('maxPool1d', 1);
/** torch.nn.functional.max_pool2d: input [N, C, H, W] or [C, H, W]; indices are flat positions h·W + w. */
export const maxPool2d = maxPool('maxPool2d', 2);
/** torch.nn.functional.max_pool3d: input [N, C, D, H, W] or [C, D, H, W]. */
export const maxPool3d = maxPool('maxPool3d', 3);

/** torch.nn.functional.avg_pool1d. */
const avgPool1dImpl = (input: Tensor, kernelSize: IntOrTuple, opts: AvgPoolOptions = {}): Tensor => avgPoolNd('avgPool1d', 1, input, kernelSize, opts);
/** torch.nn.functional.avg_pool2d. */
const avgPool2dImpl = (input: Tensor, kernelSize: IntOrTuple, opts: AvgPoolOptions = {}): Tensor => avgPoolNd('avgPool2d', 2, input, kernelSize, opts);
/** torch.nn.functional.avg_pool3d. */
const avgPool3dImpl = (input: Tensor, kernelSize: IntOrTuple, opts: AvgPoolOptions = {}): Tensor => avgPoolNd('avgPool3d', 3, input, kernelSize, opts);

const AVG_POOL1D_SIG = signature('avgPool1d', 'torch.nn.functional.', [['input', is.tensor], ['kernelSize', is.size]], [['stride', is.nullable(is.size)], ['padding', is.size], ['ceilMode', is.bool], ['countIncludePad', is.bool]]);
export const avgPool1d = define(AVG_POOL1D_SIG, ({ input, kernelSize, ...o }) => avgPool1dImpl(input, kernelSize, o));
const AVG_POOL2D_SIG = signature('avgPool2d', 'torch.nn.functional.', [['input', is.tensor], ['kernelSize', is.size]], [['stride', is.nullable(is.size)], ['padding', is.size], ['ceilMode', is.bool], ['countIncludePad', is.bool], ['divisorOverride', is.nullable(is.int)]]);
export const avgPool2d = define(AVG_POOL2D_SIG, ({ input, kernelSize, ...o }) => avgPool2dImpl(input, kernelSize, o));
const AVG_POOL3D_SIG = signature('avgPool3d', 'torch.nn.functional.', [['input', is.tensor], ['kernelSize', is.size]], [['stride', is.nullable(is.size)], ['padding', is.size], ['ceilMode', is.bool], ['countIncludePad', is.bool], ['divisorOverride', is.nullable(is.int)]]);
export const avgPool3d = define(AVG_POOL3D_SIG, ({ input, kernelSize, ...o }) => avgPool3dImpl(input, kernelSize, o));

/**
 * F.interpolate (and nn.Upsample): every mode PyTorch has for [N, C, *spatial] inputs is separable, so the
 * output is the input multiplied along each spatial dim by a fixed [out, in] weight matrix built here with
 * PyTorch's source-index rules (upsample kernels in aten/src/ATen/native/UpSample.h). One matmul per dim does
 * the resampling, and its gradient is the transposed matrix, from autograd.
 */
import { define, is, signature } from '../../core/args.js';
import { allocArray, isFloating } from '../../core/dtype.js';
import { fmt } from '../../core/shape.js';
import type { Tensor } from '../../core/tensor.js';
import { currentBackend } from '../../backends/registry.js';
import { wrap } from '../dispatch.js';
import { matmul } from '../matmul.js';
import { transpose } from '../views.js';

export type InterpolateMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'bicubic' | 'trilinear' | 'area';

const LINEAR_MODES: Record<string, number> = { linear: 1, bilinear: 2, bicubic: 2, trilinear: 3 };

const INTERPOLATE = signature('interpolate', 'torch.nn.functional.', [['input', is.tensor]], [
  ['size', is.nullable(is.intOrTuple)], ['scaleFactor', is.nullable(is.numberOrTuple)],
  ['mode', is.oneOf('nearest', 'nearest-exact', 'linear', 'bilinear', 'bicubic', 'trilinear', 'area')],
  ['alignCorners', is.nullable(is.bool)], ['recomputeScaleFactor', is.nullable(is.bool)], ['antialias', is.bool],
]);

/** F.interpolate: resizes the spatial dims to `size` or by `scaleFactor` with PyTorch's sampling rules. */
export const interpolate = define(INTERPOLATE, (v): Tensor => {
  const { input, size = null, scaleFactor = null, mode = 'nearest', alignCorners = null, recomputeScaleFactor = null, antialias = false } = v;
  const nd = input.ndim - 2;
  if (nd < 1 || nd > 3) throw new RangeError(`interpolate: expected a 3-D, 4-D or 5-D input [N, C, *spatial], got ${fmt(input.shape)}`);
  if (!isFloating(input.dtype)) throw new TypeError(`interpolate: expected a floating point input, got ${input.dtype}`);
  if (mode in LINEAR_MODES && LINEAR_MODES[mode] !== nd) throw new RangeError(`interpolate: mode '${mode}' expects a ${LINEAR_MODES[mode] + 2}-D input, got ${fmt(input.shape)}`);
  if (alignCorners !== null && !(mode in LINEAR_MODES)) throw new RangeError(`interpolate: alignCorners can only be set with the interpolating modes linear, bilinear, bicubic and trilinear, not '${mode}'`);
  if (antialias) throw new Error("interpolate: antialias=true is not supported; resample without it or low-pass filter first");
  if ((size === null) === (scaleFactor === null)) throw new RangeError('interpolate: give exactly one of size and scaleFactor');
  const spatial = input.shape.slice(2);
  const perDim = <T>(value: T | readonly T[], what: string): T[] => {
    if (!Array.isArray(value)) return spatial.map(() => value as T);
    if (value.length !== nd) throw new RangeError(`interpolate: ${what} ${fmt(value as number[])} must have ${nd} entries for input ${fmt(input.shape)}`);
    return [...value];
  };
  let outSize: number[];
  let scales: (number | null)[];
  if (size !== null) {
    outSize = perDim(size, 'size');
    scales = spatial.map(() => null);
  } else {
    const factors = perDim(scaleFactor as number | readonly number[], 'scaleFactor');
    outSize = spatial.map((n, i) => Math.floor(n * factors[i]));
    // PyTorch passes the given factor to the kernel unless asked to recompute it from the sizes
    scales = recomputeScaleFactor ? spatial.map(() => null) : factors;
  }
  if (outSize.some((s) => !Number.isInteger(s) || s <= 0)) throw new RangeError(`interpolate: output size ${fmt(outSize)} must be positive (input ${fmt(input.shape)})`);
  let y = input;
  spatial.forEach((n, i) => {
    const weights = resampleMatrix(mode, n, outSize[i], scales[i], alignCorners ?? false);
    const m = wrap(currentBackend().fromHost(toDtype(weights, input.dtype), input.dtype), [n, outSize[i]], input.dtype);
    y = transpose(matmul(transpose(y, 2 + i, -1), m), 2 + i, -1);
  });
  return y;
});

function toDtype(w: Float64Array, dtype: 'float32' | 'float64' | 'int32' | 'bool'): Float32Array | Float64Array {
  const out = allocArray(dtype, w.length) as Float32Array | Float64Array;
  out.set(w);
  return out;
}

/** 1/scaleFactor when one was given, else in/out (area_pixel_compute_scale without alignCorners). */
function scaleOf(inSize: number, outSize: number, factor: number | null): number {
  return factor !== null && factor > 0 ? 1 / factor : inSize / outSize;
}

/** The transposed weights [in, out]: column o holds the input weights of output position o. */
export function resampleMatrix(mode: InterpolateMode, inSize: number, outSize: number, factor: number | null, alignCorners: boolean): Float64Array {
  const w = new Float64Array(inSize * outSize);
  const put = (o: number, i: number, weight: number): void => {
    w[Math.min(Math.max(i, 0), inSize - 1) * outSize + o] += weight;
  };
  const scale = mode in LINEAR_MODES && alignCorners ? (outSize > 1 ? (inSize - 1) / (outSize - 1) : 0) : scaleOf(inSize, outSize, factor);
  const source = (o: number, cubic: boolean): number => {
    if (alignCorners) return scale * o;
    const s = scale * (o + 0.5) - 0.5;
    return !cubic && s < 0 ? 0 : s;
  };
  for (let o = 0; o < outSize; o++) {
    if (mode === 'nearest' && (outSize === inSize || outSize === 2 * inSize)) {
      // PyTorch's shortcuts for these sizes ignore a given scale factor
      put(o, outSize === inSize ? o : o >> 1, 1);
    } else if (mode === 'nearest' || mode === 'nearest-exact') {
      const f = Math.fround(scale);
      const src = mode === 'nearest' ? Math.floor(Math.fround(o * f)) : Math.floor(Math.fround((o + 0.5) * f));
      put(o, Math.min(src, inSize - 1), 1);
    } else if (mode === 'area') {
      const start = Math.floor((o * inSize) / outSize);
      const end = Math.ceil(((o + 1) * inSize) / outSize);
      for (let i = start; i < end; i++) put(o, i, 1 / (end - start));
    } else if (mode === 'bicubic' && inSize !== outSize) {
      const real = source(o, true);
      const i0 = Math.floor(real);
      cubicWeights(real - i0).forEach((c, k) => put(o, i0 - 1 + k, c));
    } else if (inSize === outSize) {
      // linear and bicubic copy when the size is unchanged, whatever the scale factor
      put(o, o, 1);
    } else {
      const real = source(o, false);
      const i0 = Math.trunc(real);
      const lambda = Math.min(Math.max(real - i0, 0), 1);
      put(o, i0, 1 - lambda);
      put(o, i0 + (i0 < inSize - 1 ? 1 : 0), lambda);
    }
  }
  return w;
}

/** Keys' cubic convolution with A = -0.75 (PyTorch's bicubic), weights of x[i0-1 .. i0+2] at fraction t. */
function cubicWeights(t: number): [number, number, number, number] {
  const A = -0.75;
  const near = (x: number): number => ((A + 2) * x - (A + 3)) * x * x + 1;
  const far = (x: number): number => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  return [far(t + 1), near(t), near(1 - t), far(2 - t)];
}

const PIXEL_SHUFFLE = signature('pixelShuffle', 'torch.nn.functional.', [['input', is.tensor], ['upscaleFactor', is.int]], []);
const PIXEL_UNSHUFFLE = signature('pixelUnshuffle', 'torch.nn.functional.', [['input', is.tensor], ['downscaleFactor', is.int]], []);

/** F.pixel_shuffle: [*, C·r², H, W] → [*, C, H·r, W·r] (sub-pixel convolution's rearrangement). */
export const pixelShuffle = define(PIXEL_SHUFFLE, ({ input, upscaleFactor: r }): Tensor => {
  if (input.ndim < 3 || r <= 0 || input.shape[input.ndim - 3] % (r * r) !== 0) {
    throw new RangeError(`pixelShuffle: expected an input [*, C·${r}², H, W] and a positive upscaleFactor, got ${fmt(input.shape)} and ${r}`);
  }
  const lead = input.shape.slice(0, -3);
  const [c, h, w] = input.shape.slice(-3);
  const k = lead.length;
  const split = input.reshape([...lead, c / (r * r), r, r, h, w]);
  const order = [...lead.keys(), k, k + 3, k + 1, k + 4, k + 2];
  return split.permute(order).reshape([...lead, c / (r * r), h * r, w * r]);
});

/** F.pixel_unshuffle: [*, C, H·r, W·r] → [*, C·r², H, W], the inverse of pixelShuffle. */
export const pixelUnshuffle = define(PIXEL_UNSHUFFLE, ({ input, downscaleFactor: r }): Tensor => {
  if (input.ndim < 3 || r <= 0 || input.shape[input.ndim - 2] % r !== 0 || input.shape[input.ndim - 1] % r !== 0) {
    throw new RangeError(`pixelUnshuffle: expected an input [*, C, H·${r}, W·${r}] and a positive downscaleFactor, got ${fmt(input.shape)} and ${r}`);
  }
  const lead = input.shape.slice(0, -3);
  const [c, h, w] = input.shape.slice(-3);
  const k = lead.length;
  const split = input.reshape([...lead, c, h / r, r, w / r, r]);
  const order = [...lead.keys(), k, k + 2, k + 4, k + 1, k + 3];
  return split.permute(order).reshape([...lead, c * r * r, h / r, w / r]);
});

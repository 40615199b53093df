import { traced } from '../trace.js';
import { fmt } from '../../core/shape.js';
import { define, is, parseArgs, signature, withSignature, type ArgsOf } from '../../core/args.js';
import type { Tensor } from '../../core/tensor.js';
import { tensor } from '../creation.js';
import { matmul } from '../matmul.js';
import { reshape, transpose } from '../views.js';
import { adaptiveRange, adaptiveWindows, poolWindows } from './pool-windows.js';
import type { MaxPoolFn } from './pooling.js';
import { maxPool5d } from './primitives.js';
import { liftInput, lower } from './spatial.js';

/** A size per spatial dim; null keeps the input's size there, as PyTorch's None. */
export type AdaptiveSize = number | readonly (number | null)[];

export interface AdaptiveMaxPoolOptions {
  returnIndices?: boolean;
}

function outputSizes(op: string, input: Tensor, spatial: readonly number[], outputSize: AdaptiveSize): number[] {
  const nd = spatial.length;
  const list = typeof outputSize === 'number' ? new Array<number | null>(nd).fill(outputSize) : Array.isArray(outputSize) ? outputSize : [];
  if (list.length !== nd || list.some((v) => v !== null && (!Number.isInteger(v) || v < 1))) {
    throw new RangeError(`${op}: outputSize must be a positive integer or a list of ${nd} (null keeps the input size), got ${JSON.stringify(outputSize)}`);
  }
  spatial.forEach((n, i) => {
    if (n === 0) throw new RangeError(`${op}: input ${fmt(input.shape)} has an empty spatial dim ${i}`);
  });
  return list.map((v, i) => v ?? spatial[i]);
}

/** [out, n]: row o averages input positions adaptiveRange(o); adaptive average pooling is one such product per dim. */
function averagingMatrix(n: number, out: number, dtype: Tensor['dtype'], device: string): Tensor {
  const a = new Array<number>(out * n).fill(0);
  for (let o = 0; o < out; o++) {
    const [start, end] = adaptiveRange(o, n, out);
    for (let i = start; i < end; i++) a[o * n + i] = 1 / (end - start);
  }
  return tensor(a, { shape: [out, n], dtype, device });
}

/** Applies `a` [out, n] along `axis` of x. */
function multiplyAlong(x: Tensor, axis: number, a: Tensor): Tensor {
  const moved = transpose(x, axis, -1);
  const pooled = matmul(reshape(moved, [-1, a.shape[1]]), transpose(a, 0, 1));
  return transpose(reshape(pooled, [...moved.shape.slice(0, -1), a.shape[0]]), axis, -1);
}

/**
 * Adaptive average pooling. Its windows are boxes, so the box average is the product of one average per
 * dim: a small matrix product along each pooled dim (the gradient comes with matmul).
 */
function adaptiveAvgPoolNd(op: string, nd: number, input: Tensor, outputSize: AdaptiveSize): Tensor {
  const { x5, batched, spatial } = liftInput(op, input, nd);
  const out = outputSizes(op, input, spatial, outputSize);
  return traced('adaptiveAvgPool', [input], { outputSize: out }, () => {
    let y = x5;
    spatial.forEach((n, i) => {
      if (out[i] !== n) y = multiplyAlong(y, 5 - nd + i, averagingMatrix(n, out[i], input.dtype, input.device));
    });
    return lower(y, nd, batched);
  });
}

function adaptiveMaxPoolNd(op: string, nd: number, input: Tensor, outputSize: AdaptiveSize, opts: AdaptiveMaxPoolOptions = {}): Tensor | [Tensor, Tensor] {
  const { x5, batched, spatial } = liftInput(op, input, nd);
  const out = outputSizes(op, input, spatial, outputSize);
  const windows = poolWindows(spatial.map((n, i) => adaptiveWindows(out[i], n)));
  if (!opts.returnIndices) return traced('adaptiveMaxPool', [input], { outputSize: out }, () => lower(maxPool5d(x5, windows).values, nd, batched));
  const { values, indices } = maxPool5d(x5, windows);
  return [lower(values, nd, batched), lower(indices, nd, batched)];
}

const adaptiveMaxPoolSignature = (nd: number) =>
  signature(`adaptiveMaxPool${nd}d`, `torch.nn.functional.adaptive_max_pool${nd}d`, [['input', is.tensor], ['outputSize', is.adaptiveSize]], [['returnIndices', is.bool]]);
type AdaptiveMaxPool = MaxPoolFn<AdaptiveSize, AdaptiveMaxPoolOptions, ArgsOf<ReturnType<typeof adaptiveMaxPoolSignature>>>;

function adaptiveMaxPool(op: string, nd: number): AdaptiveMaxPool {
  const sig = adaptiveMaxPoolSignature(nd);
  const fn = (...args: unknown[]): Tensor | [Tensor, Tensor] => {
    const { input, outputSize, ...opts } = parseArgs(sig, args);
    return adaptiveMaxPoolNd(op, nd, input, outputSize, opts);
  };
  return withSignature(fn, sig) as AdaptiveMaxPool;
}

/** torch.nn.functional.adaptive_avg_pool1d. */
const adaptiveAvgPool1dImpl = (input: Tensor, outputSize: AdaptiveSize): Tensor => adaptiveAvgPoolNd('adaptiveAvgPool1d', 1, input, outputSize);
/** torch.nn.functional.adaptive_avg_pool2d. */
const adaptiveAvgPool2dImpl = (input: Tensor, outputSize: AdaptiveSize): Tensor => adaptiveAvgPoolNd('adaptiveAvgPool2d', 2, input, outputSize);
/** torch.nn.functional.adaptive_avg_pool3d. */
const adaptiveAvgPool3dImpl = (input: Tensor, outputSize: AdaptiveSize): Tensor => adaptiveAvgPoolNd('adaptiveAvgPool3d', 3, input, outputSize);
/** torch.nn.functional.adaptive_max_pool1d; `returnIndices: true` returns [values, indices]. */
export const adaptiveMaxPool1d = adaptiveMaxPool('adaptiveMaxPool1d', 1);
/** torch.nn.functional.adaptive_max_pool2d; `returnIndices: true` returns [values, indices]. */
export const adaptiveMaxPool2d = adaptiveMaxPool('adaptiveMaxPool2d', 2);

const ADAPTIVE_AVG_POOL1D_SIG = signature('adaptiveAvgPool1d', 'torch.nn.functional.', [['input', is.tensor], ['outputSize', is.adaptiveSize]], []);
export const adaptiveAvgPool1d = define(ADAPTIVE_AVG_POOL1D_SIG, ({ input, outputSize }) => adaptiveAvgPool1dImpl(input, outputSize));
const ADAPTIVE_AVG_POOL2D_SIG = signature('adaptiveAvgPool2d', 'torch.nn.functional.', [['input', is.tensor], ['outputSize', is.adaptiveSize]], []);
export const adaptiveAvgPool2d = define(ADAPTIVE_AVG_POOL2D_SIG, ({ input, outputSize }) => adaptiveAvgPool2dImpl(input, outputSize));
const ADAPTIVE_AVG_POOL3D_SIG = signature('adaptiveAvgPool3d', 'torch.nn.functional.', [['input', is.tensor], ['outputSize', is.adaptiveSize]], []);
export const adaptiveAvgPool3d = define(ADAPTIVE_AVG_POOL3D_SIG, ({ input, outputSize }) => adaptiveAvgPool3dImpl(input, outputSize));

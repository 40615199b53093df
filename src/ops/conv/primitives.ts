/**
 * The primitive convolution and pooling ops on 5-D tensors. Each gradient is written with the others, so
 * every backend gets them for free and they can be differentiated again:
 *   y  = conv(x, w)             dx = convBackwardInput(dy, w)    dw = convBackwardWeight(x, dy)
 * All three are bilinear readings of the same sum Σ x·w, which is why they close under differentiation.
 */
import type { ConvGeometry, PoolWindows, Triple } from '../../backends/conv-kernels.js';
import { isGradEnabled, noGrad, record } from '../../core/autograd.js';
import { numel } from '../../core/shape.js';
import type { Tensor } from '../../core/tensor.js';
import { kernels, wrap } from '../dispatch.js';
import { col2imDefault, convBackwardInputDefault, convBackwardWeightDefault, im2colDefault, maxPoolBackwardDefault } from './defaults.js';
import { activationBackward } from '../activation-backward.js';
import { channelAffine } from '../channel-affine.js';
import { gather } from '../indexing.js';
import { sum } from '../reduce.js';
import { reshape } from '../views.js';

export function conv5d(x: Tensor, w: Tensor, bias: Tensor | null, geom: ConvGeometry): Tensor {
  const k = bias ? kernels('conv', x, w, bias) : kernels('conv', x, w);
  const out = wrap(k.conv(x, w, bias, geom), [x.shape[0], w.shape[0], ...geom.outSize], x.dtype);
  return record('ConvolutionBackward0', out, bias ? [x, w, bias] : [x, w], (g) => [
    x.requiresGrad ? convBackwardInput(g, w, geom) : null,
    w.requiresGrad ? convBackwardWeight(x, g, geom) : null,
    bias?.requiresGrad ? sum(g, [0, 2, 3, 4]) : null,
  ]);
}

/**
 * relu(conv(x, w) + bias) with the ReLU in the backend's epilogue (callers check `convActivation` exists). The
 * gradient is ReLU's rule (threshold on the output, as F.relu's, NaN included), then the convolution's.
 */
export function conv5dRelu(x: Tensor, w: Tensor, bias: Tensor | null, geom: ConvGeometry): Tensor {
  const inputs = bias ? [x, w, bias] : [x, w];
  const fused = kernels('conv', ...inputs).convActivation;
  if (!fused) throw new Error(`conv: the '${x.device}' backend has no fused convolution + ReLU kernel (run conv, then relu)`);
  const out = wrap(fused(x, w, bias, geom, 'relu'), [x.shape[0], w.shape[0], ...geom.outSize], x.dtype);
  return record('ConvolutionReluBackward', out, inputs, (g) => {
    const gy = activationBackward('threshold', g, out);
    return [
      x.requiresGrad ? convBackwardInput(gy, w, geom) : null,
      w.requiresGrad ? convBackwardWeight(x, gy, geom) : null,
      bias?.requiresGrad ? sum(gy, [0, 2, 3, 4]) : null,
    ];
  });
}

/** BatchNorm's inference affine (scale, shift per output channel), ResNet's shortcut and a ReLU after a convolution. */
export interface ConvEpilogue {
  scale: Tensor;
  shift: Tensor | null;
  /** of the output's shape (5-D here) */
  residual: Tensor | null;
  relu: boolean;
}

/**
 * relu?((conv(x, w) + bias)·scale + shift + residual) in one kernel where the backend has `convChannelAffine` and
 * nothing is recorded for autograd (the fused kernel is an inference path: it keeps no conv output to differentiate
 * scale by); otherwise conv, then channelAffine, which give the same values and record their gradients.
 */
export function conv5dChannelAffine(x: Tensor, w: Tensor, bias: Tensor | null, geom: ConvGeometry, e: ConvEpilogue): Tensor {
  const inputs = [x, w, bias, e.scale, e.shift, e.residual].filter((t): t is Tensor => t !== null);
  const fused = kernels('conv', ...inputs).convChannelAffine;
  if (!fused || (isGradEnabled() && inputs.some((t) => t.requiresGrad))) {
    return channelAffine(conv5d(x, w, bias, geom), e.scale, e.shift, { residual: e.residual, relu: e.relu });
  }
  return wrap(fused(x, w, bias, geom, e.scale, e.shift, e.residual, e.relu), [x.shape[0], w.shape[0], ...geom.outSize], x.dtype);
}

/** dL/dx of a convolution, which is also the forward of a transposed convolution. */
export function convBackwardInput(gy: Tensor, w: Tensor, geom: ConvGeometry): Tensor {
  const shape = [gy.shape[0], w.shape[1] * geom.groups, ...geom.inSize];
  const fast = kernels('convBackwardInput', gy, w).convBackwardInput;
  const out = fast ? wrap(fast(gy, w, geom), shape, gy.dtype) : noGrad(() => convBackwardInputDefault(gy, w, geom));
  return record('ConvolutionBackwardInput', out, [gy, w], (g) => [
    gy.requiresGrad ? conv5d(g, w, null, geom) : null,
    w.requiresGrad ? convBackwardWeight(g, gy, geom) : null,
  ]);
}

/** dL/dw of a convolution. */
export function convBackwardWeight(x: Tensor, gy: Tensor, geom: ConvGeometry): Tensor {
  const shape = [gy.shape[1], x.shape[1] / geom.groups, ...geom.kernelSize];
  const fast = kernels('convBackwardWeight', x, gy).convBackwardWeight;
  const out = fast ? wrap(fast(x, gy, geom), shape, x.dtype) : noGrad(() => convBackwardWeightDefault(x, gy, geom));
  return record('ConvolutionBackwardWeight', out, [x, gy], (g) => [
    x.requiresGrad ? convBackwardInput(gy, g, geom) : null,
    gy.requiresGrad ? conv5d(x, g, null, geom) : null,
  ]);
}

/** The patches of x as columns [N, C·K, L] (F.unfold); its adjoint is col2im. */
export function im2col5d(x: Tensor, geom: ConvGeometry): Tensor {
  const shape = [x.shape[0], x.shape[1] * numel(geom.kernelSize), numel(geom.outSize)];
  const fast = kernels('unfold', x).im2col;
  const out = fast ? wrap(fast(x, geom), shape, x.dtype) : noGrad(() => im2colDefault(x, geom));
  return record('Im2ColBackward0', out, [x], (g) => [col2im5d(g, x.shape[1], geom)]);
}

/** Columns [N, C·K, L] summed back onto [N, C, ...inSize] (F.fold). */
export function col2im5d(cols: Tensor, channels: number, geom: ConvGeometry): Tensor {
  const fast = kernels('fold', cols).col2im;
  const out = fast ? wrap(fast(cols, channels, geom), [cols.shape[0], channels, ...geom.inSize], cols.dtype) : noGrad(() => col2imDefault(cols, channels, geom));
  return record('Col2ImBackward0', out, [cols], (g) => [im2col5d(g, geom)]);
}

export interface Pooled {
  values: Tensor;
  /** int32 flat positions of each maximum in its input plane. */
  indices: Tensor;
}

/** Max pooling over windows; the gradient goes to where each maximum was. */
export function maxPool5d(x: Tensor, windows: PoolWindows): Pooled {
  const shape = [x.shape[0], x.shape[1], ...windows.outSize];
  const r = kernels('maxPool', x).maxPool(x, windows);
  const indices = wrap(r.indices, shape, 'int32');
  const values = record('MaxPoolWithIndicesBackward0', wrap(r.values, shape, x.dtype), [x], (g) => [maxPoolBackward5d(g, indices, x.shape)]);
  return { values, indices };
}

/** Scatters the output gradient onto the maxima; its own gradient gathers from the same positions. */
function maxPoolBackward5d(gy: Tensor, indices: Tensor, inShape: readonly number[]): Tensor {
  const inSize: Triple = [inShape[2], inShape[3], inShape[4]];
  const fast = kernels('maxPoolBackward', gy, indices).maxPoolBackward;
  const out = fast ? wrap(fast(gy, indices, inSize), inShape, gy.dtype) : noGrad(() => maxPoolBackwardDefault(gy, indices, inShape));
  return record('MaxPoolBackwardBackward', out, [gy], (g) => {
    const [n, c] = inShape;
    const flat = reshape(g, [n, c, numel(inSize)]);
    return [reshape(gather(flat, 2, reshape(indices, [n, c, numel(indices.shape.slice(2))])), indices.shape)];
  });
}

import { traced } from '../trace.js';
import { fmt, shapesEqual } from '../../core/shape.js';
import { reshape } from '../views.js';
import { define, is, signature } from '../../core/args.js';
import type { Tensor } from '../../core/tensor.js';
import { convOutputSize, dilatedSize, paddingPairs, perDim, type IntOrTuple, type PaddingSpec } from './padding-rules.js';
import { conv5d, conv5dChannelAffine, conv5dRelu, type ConvEpilogue } from './primitives.js';
import { checkFloating, geometry, liftInput, liftKernel, lower } from './spatial.js';

export interface ConvOptions {
  stride?: IntOrTuple;
  /** Zeros on both sides of each spatial dim, or 'valid' (none), or 'same' (TensorFlow's rule, any stride). */
  padding?: PaddingSpec;
  dilation?: IntOrTuple;
  groups?: number;
}

export function checkGroups(op: string, groups: unknown): number {
  if (!Number.isInteger(groups) || (groups as number) < 1) throw new RangeError(`${op}: groups must be a positive integer, got ${String(groups)}`);
  return groups as number;
}

/** The weight is [outChannels, inChannels/groups, ...kernel], of the input's dtype. */
export function checkWeight(op: string, w: unknown, nd: number, input: Tensor, layout: string): asserts w is Tensor {
  checkFloating(op, 'weight', w);
  if (w.ndim !== nd + 2) throw new RangeError(`${op}: expected a ${nd + 2}-D weight ${layout}, got ${fmt(w.shape)}`);
  if (w.dtype !== input.dtype) throw new TypeError(`${op}: input (${input.dtype}) and weight (${w.dtype}) must have the same dtype`);
}

export function checkBias(op: string, bias: Tensor | null | undefined, channels: number, input: Tensor): void {
  if (bias == null) return;
  checkFloating(op, 'bias', bias);
  if (bias.ndim !== 1 || bias.shape[0] !== channels) throw new RangeError(`${op}: expected a bias of shape [${channels}], got ${fmt(bias.shape)}`);
  if (bias.dtype !== input.dtype) throw new TypeError(`${op}: input (${input.dtype}) and bias (${bias.dtype}) must have the same dtype`);
}

/** What runs after the convolution in the same kernel: a ReLU, or BatchNorm's affine with the shortcut and ReLU. */
type Fused = 'relu' | ConvEpilogue | null;

function convNd(op: string, nd: number, input: Tensor, weight: Tensor, bias: Tensor | null | undefined, opts: ConvOptions, fused: Fused = null): Tensor {
  const { x5, batched, spatial } = liftInput(op, input, nd);
  checkWeight(op, weight, nd, input, '[out, in/groups, ...kernel]');
  const groups = checkGroups(op, opts.groups ?? 1);
  const [outChannels, groupChannels, ...kernel] = weight.shape;
  if (outChannels % groups !== 0) throw new RangeError(`${op}: out channels ${outChannels} (weight ${fmt(weight.shape)}) must be divisible by groups ${groups}`);
  if (x5.shape[1] !== groupChannels * groups) {
    throw new RangeError(`${op}: expected input with ${groupChannels * groups} channels (weight ${fmt(weight.shape)}, groups ${groups}), got ${fmt(input.shape)}`);
  }
  checkBias(op, bias, outChannels, input);
  const stride = perDim(opts.stride ?? 1, nd, 'stride', op, 1);
  const dilation = perDim(opts.dilation ?? 1, nd, 'dilation', op, 1);
  const pads = paddingPairs(opts.padding ?? 0, spatial, kernel, stride, dilation, op);
  spatial.forEach((n, i) => {
    const padded = n + pads[i][0] + pads[i][1];
    if (padded < dilatedSize(kernel[i], dilation[i])) {
      throw new RangeError(`${op}: kernel size ${kernel[i]} (dilated ${dilatedSize(kernel[i], dilation[i])}) is larger than the padded input size ${padded} in spatial dim ${i} (input ${fmt(input.shape)}, weight ${fmt(weight.shape)})`);
    }
  });
  const outSize = spatial.map((n, i) => convOutputSize(n, kernel[i], stride[i], dilation[i], pads[i][0], pads[i][1]));
  const geom = geometry(spatial, outSize, kernel, stride, dilation, pads.map((p) => p[0]), groups);
  if (fused === 'relu') return lower(conv5dRelu(x5, liftKernel(weight), bias ?? null, geom), nd, batched);
  if (fused) {
    const shape5 = [x5.shape[0], outChannels, ...geom.outSize];
    const outShape = batched ? [x5.shape[0], outChannels, ...outSize] : [outChannels, ...outSize];
    return lower(conv5dChannelAffine(x5, liftKernel(weight), bias ?? null, geom, liftEpilogue(op, fused, outShape, shape5, input.dtype)), nd, batched);
  }
  const attrs = { stride, dilation, pads, groups };
  return traced('conv', [input, weight, bias ?? null], attrs, () => lower(conv5d(x5, liftKernel(weight), bias ?? null, geom), nd, batched));
}

/**
 * relu(convNd(...)) with the ReLU in the backend's epilogue, for ck.fuse on backends with `convActivation`
 * (not traced: exporters see the modules in turn). Not public API.
 */
export const convRelu = (nd: 1 | 2 | 3, input: Tensor, weight: Tensor, bias: Tensor | null, opts: ConvOptions): Tensor =>
  convNd(`conv${nd}d`, nd, input, weight, bias, opts, 'relu');

/**
 * relu?(convNd(...)·scale[o] + shift[o] + residual): BatchNorm's inference affine, the shortcut and the ReLU fused
 * into the convolution where the backend has `convChannelAffine`, for ck.fuse (not traced). Not public API.
 */
export const convChannelAffine = (nd: 1 | 2 | 3, input: Tensor, weight: Tensor, bias: Tensor | null, opts: ConvOptions, epilogue: ConvEpilogue): Tensor =>
  convNd(`conv${nd}d`, nd, input, weight, bias, opts, epilogue);

/** The epilogue's operands checked against the output (`outShape` as the caller sees it) and the residual lifted to 5-D. */
function liftEpilogue(op: string, e: ConvEpilogue, outShape: readonly number[], shape5: readonly number[], dtype: string): ConvEpilogue {
  for (const [name, t, shape] of [['scale', e.scale, [shape5[1]]], ['shift', e.shift, [shape5[1]]], ['residual', e.residual, outShape]] as const) {
    if (t === null) continue;
    if (!shapesEqual(t.shape, shape)) throw new RangeError(`${op}: expected a ${name} of shape ${fmt(shape)}, got ${fmt(t.shape)}`);
    if (t.dtype !== dtype) throw new TypeError(`${op}: input (${dtype}) and ${name} (${t.dtype}) must have the same dtype`);
  }
  return e.residual ? { ...e, residual: reshape(e.residual, shape5) } : e;
}

/** torch.nn.functional.conv1d: input [N, C, W] or [C, W], weight [O, C/groups, k]. */
const conv1dImpl = (input: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvOptions = {}): Tensor => convNd('conv1d', 1, input, weight, bias, opts);
/** torch.nn.functional.conv2d: input [N, C, H, W] or [C, H, W], weight [O, C/groups, kH, kW]. */
const conv2dImpl = (input: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvOptions = {}): Tensor => convNd('conv2d', 2, input, weight, bias, opts);
/** torch.nn.functional.conv3d: input [N, C, D, H, W] or [C, D, H, W], weight [O, C/groups, kD, kH, kW]. */
const conv3dImpl = (input: Tensor, weight: Tensor, bias?: Tensor | null, opts: ConvOptions = {}): Tensor => convNd('conv3d', 3, input, weight, bias, opts);

const CONV1D_SIG = signature('conv1d', 'torch.nn.functional.', [['input', is.tensor], ['weight', is.tensor]], [['bias', is.nullable(is.tensor)], ['stride', is.size], ['padding', is.padding], ['dilation', is.size], ['groups', is.int]]);
export const conv1d = define(CONV1D_SIG, ({ input, weight, bias, ...o }) => conv1dImpl(input, weight, bias, o));
const CONV2D_SIG = signature('conv2d', 'torch.nn.functional.', [['input', is.tensor], ['weight', is.tensor]], [['bias', is.nullable(is.tensor)], ['stride', is.size], ['padding', is.padding], ['dilation', is.size], ['groups', is.int]]);
export const conv2d = define(CONV2D_SIG, ({ input, weight, bias, ...o }) => conv2dImpl(input, weight, bias, o));
const CONV3D_SIG = signature('conv3d', 'torch.nn.functional.', [['input', is.tensor], ['weight', is.tensor]], [['bias', is.nullable(is.tensor)], ['stride', is.size], ['padding', is.padding], ['dilation', is.size], ['groups', is.int]]);
export const conv3d = define(CONV3D_SIG, ({ input, weight, bias, ...o }) => conv3dImpl(input, weight, bias, o));

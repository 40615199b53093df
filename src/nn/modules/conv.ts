/**
 * Convolution layers (PyTorch's _ConvNd design): a base validates and stores the options and owns the
 * weight and bias; Conv1d/2d/3d and ConvTranspose1d/2d/3d only fix the number of spatial dims.
 */
import { is, signature, parseArgs, ownSignature, sameSignature, type ArgsOf } from '../../core/args.js';
import { fmt } from '../../core/shape.js';
import type { Tensor } from '../../core/tensor.js';
import { empty } from '../../ops/index.js';
import {
  conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convTranspose3d, pad,
  type ConvOptions, type ConvTransposeOptions, type IntOrTuple, type PaddingSpec,
} from '../../ops/conv/index.js';
import { dilatedSize, perDim, samePadding } from '../../ops/conv/padding-rules.js';
import { checkPositiveInt, checkTensor, pySize } from '../check.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { resetLinearLike } from './linear.js';

export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

export interface ConvLayerOptions {
  stride?: IntOrTuple;
  /** Zeros (or paddingMode values) on both sides of each spatial dim, or 'valid', or 'same'. */
  padding?: PaddingSpec;
  dilation?: IntOrTuple;
  groups?: number;
  bias?: boolean;
  /** How the border is filled: zeros, or the input mirrored ('reflect'), repeated ('replicate') or wrapped ('circular'). */
  paddingMode?: PaddingMode;
}

export interface ConvTransposeLayerOptions {
  stride?: IntOrTuple;
  padding?: IntOrTuple;
  outputPadding?: IntOrTuple;
  groups?: number;
  bias?: boolean;
  dilation?: IntOrTuple;
}

const PADDING_MODES: readonly PaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];

const CHANNELS = [['inChannels', is.int], ['outChannels', is.int], ['kernelSize', is.size]] as const;
const CONV2D = signature('Conv2d', 'torch.nn.', CHANNELS, [
  ['stride', is.size], ['padding', is.padding], ['dilation', is.size], ['groups', is.int], ['bias', is.bool], ['paddingMode', is.oneOf(...PADDING_MODES)],
]);
const CONV_TRANSPOSE2D = signature('ConvTranspose2d', 'torch.nn.', CHANNELS, [
  ['stride', is.size], ['padding', is.size], ['outputPadding', is.size], ['groups', is.int], ['bias', is.bool], ['dilation', is.size],
  ['paddingMode', is.oneOf('zeros')],
]);

abstract class ConvBase extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly dilation: number[];
  readonly groups: number;

  constructor(nd: number, inChannels: number, outChannels: number, kernelSize: IntOrTuple, transposed: boolean, opts: { stride?: IntOrTuple; dilation?: IntOrTuple; groups?: number; bias?: boolean }) {
    super();
    const op = this.constructor.name;
    checkPositiveInt(inChannels, op, 'inChannels');
    checkPositiveInt(outChannels, op, 'outChannels');
    const groups = opts.groups ?? 1;
    checkPositiveInt(groups, op, 'groups');
    if (inChannels % groups !== 0) throw new RangeError(`${op}: inChannels ${inChannels} must be divisible by groups ${groups}`);
    if (outChannels % groups !== 0) throw new RangeError(`${op}: outChannels ${outChannels} must be divisible by groups ${groups}`);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = perDim(kernelSize, nd, 'kernelSize', op, 1);
    this.stride = perDim(opts.stride ?? 1, nd, 'stride', op, 1);
    this.dilation = perDim(opts.dilation ?? 1, nd, 'dilation', op, 1);
    this.groups = groups;
    // OIHW for convolutions, [in, out/groups, ...kernel] for transposed ones, as PyTorch
    const weightShape = transposed ? [inChannels, outChannels / groups, ...this.kernelSize] : [outChannels, inChannels / groups, ...this.kernelSize];
    this.weight = new Parameter(empty(weightShape));
    this.bias = (opts.bias ?? true) ? new Parameter(empty([outChannels])) : null;
    this.resetParameters();
  }

  /** kaiming_uniform_(a = √5) for the weight, U(-1/√fan_in, 1/√fan_in) for the bias, as PyTorch's reset_parameters. */
  resetParameters(): void {
    resetLinearLike(this.weight, this.bias);
  }

  /** PyTorch's repr: sizes as tuples, options only where they differ from the defaults. */
  protected reprParts(padding: PaddingSpec | number[], outputPadding: number[] | null, paddingMode: PaddingMode): string {
    const parts = [`${this.inChannels}, ${this.outChannels}, kernel_size=${pySize(this.kernelSize)}, stride=${pySize(this.stride)}`];
    if (typeof padding === 'string') parts.push(`padding=${padding}`);
    else if ((padding as number[]).some((p) => p !== 0)) parts.push(`padding=${pySize(padding as number[])}`);
    if (this.dilation.some((d) => d !== 1)) parts.push(`dilation=${pySize(this.dilation)}`);
    if (outputPadding && outputPadding.some((p) => p !== 0)) parts.push(`output_padding=${pySize(outputPadding)}`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (!this.bias) parts.push('bias=False');
    if (paddingMode !== 'zeros') parts.push(`padding_mode=${paddingMode}`);
    return parts.join(', ');
  }
}

type ConvFn = (input: Tensor, weight: Tensor, bias: Tensor | null, opts: ConvOptions) => Tensor;

abstract class ConvNd extends ConvBase {
  readonly padding: number[] | 'valid' | 'same';
  readonly paddingMode: PaddingMode;
  private readonly _conv: ConvFn;

  constructor(nd: number, conv: ConvFn, inChannels: number, outChannels: number, kernelSize: IntOrTuple, opts: ConvLayerOptions) {
    super(nd, inChannels, outChannels, kernelSize, false, opts);
    const op = this.constructor.name;
    const { padding = 0, paddingMode = 'zeros' } = opts;
    if (!PADDING_MODES.includes(paddingMode)) throw new RangeError(`${op}: paddingMode must be one of ${PADDING_MODES.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(paddingMode)}`);
    if (typeof padding === 'string' && padding !== 'valid' && padding !== 'same') throw new RangeError(`${op}: padding must be a size, 'valid' or 'same', got ${JSON.stringify(padding)}`);
    this.padding = typeof padding === 'string' ? padding : perDim(padding, nd, 'padding', op, 0);
    this.paddingMode = paddingMode;
    this._conv = conv;
  }

  forward(x: Tensor): Tensor {
    checkTensor(x, this.constructor.name);
    const opts = { stride: this.stride, dilation: this.dilation, groups: this.groups };
    if (this.paddingMode === 'zeros') return this._conv(x, this.weight, this.bias, { ...opts, padding: this.padding });
    return this._conv(pad(x, this.borderPadding(x), { mode: this.paddingMode }), this.weight, this.bias, { ...opts, padding: 0 });
  }

  /** The (before, after) amounts for F.pad, last spatial dim first, when the border is not zeros. */
  private borderPadding(x: Tensor): number[] {
    const nd = this.kernelSize.length;
    const spatial = x.shape.slice(-nd);
    if (x.ndim !== nd + 1 && x.ndim !== nd + 2) {
      throw new RangeError(`${this.constructor.name}: expected a ${nd + 1}-D (unbatched) or ${nd + 2}-D (batched) input, got ${fmt(x.shape)}`);
    }
    const pairs = spatial.map((n, i) => {
      if (this.padding === 'valid') return [0, 0];
      if (this.padding === 'same') return samePadding(n, this.kernelSize[i], this.stride[i], this.dilation[i]);
      return [this.padding[i], this.padding[i]];
    });
    return pairs.reverse().flat();
  }

  override extraRepr(): string {
    return this.reprParts(this.padding, null, this.paddingMode);
  }
}

/** 1-D convolution over [N, C, L]: weight [out, in/groups, k]. */
export class Conv1d extends ConvNd {
  constructor(...args: ArgsOf<typeof CONV2D>) {
    const { inChannels, outChannels, kernelSize, ...opts } = parseArgs(ownSignature(new.target, CONV2D), args);
    super(1, conv1d, inChannels, outChannels, kernelSize, opts);
  }
}

/** 2-D convolution over [N, C, H, W]: weight [out, in/groups, kH, kW]. */
export class Conv2d extends ConvNd {
  constructor(...args: ArgsOf<typeof CONV2D>) {
    const { inChannels, outChannels, kernelSize, ...opts } = parseArgs(ownSignature(new.target, CONV2D), args);
    super(2, conv2d, inChannels, outChannels, kernelSize, opts);
  }
}

/** 3-D convolution over [N, C, D, H, W]: weight [out, in/groups, kD, kH, kW]. */
export class Conv3d extends ConvNd {
  constructor(...args: ArgsOf<typeof CONV2D>) {
    const { inChannels, outChannels, kernelSize, ...opts } = parseArgs(ownSignature(new.target, CONV2D), args);
    super(3, conv3d, inChannels, outChannels, kernelSize, opts);
  }
}

type ConvTransposeFn = (input: Tensor, weight: Tensor, bias: Tensor | null, opts: ConvTransposeOptions) => Tensor;

abstract class ConvTransposeNd extends ConvBase {
  readonly padding: number[];
  readonly outputPadding: number[];
  private readonly _convTranspose: ConvTransposeFn;

  constructor(nd: number, fn: ConvTransposeFn, inChannels: number, outChannels: number, kernelSize: IntOrTuple, opts: ConvTransposeLayerOptions) {
    super(nd, inChannels, outChannels, kernelSize, true, opts);
    const op = this.constructor.name;
    this.padding = perDim(opts.padding ?? 0, nd, 'padding', op, 0);
    this.outputPadding = perDim(opts.outputPadding ?? 0, nd, 'outputPadding', op, 0);
    this._convTranspose = fn;
  }

  /**
   * `outputSize` (spatial sizes, or the full shape) picks which of the output sizes that map onto the input's
   * under the strided convolution to produce, as PyTorch's output_size argument.
   */
  forward(x: Tensor, outputSize?: readonly number[]): Tensor {
    checkTensor(x, this.constructor.name);
    return this._convTranspose(x, this.weight, this.bias, {
      stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups,
      outputPadding: outputSize === undefined ? this.outputPadding : this.outputPaddingFor(x, outputSize),
    });
  }

  private outputPaddingFor(x: Tensor, outputSize: readonly number[]): number[] {
    const nd = this.kernelSize.length;
    const op = this.constructor.name;
    const nonSpatial = x.ndim === nd + 2 ? 2 : 1;
    const size = outputSize.length === nonSpatial + nd ? outputSize.slice(nonSpatial) : outputSize.slice();
    if (size.length !== nd) throw new RangeError(`${op}: outputSize must have ${nd} or ${nonSpatial + nd} elements, got ${fmt(outputSize)}`);
    return size.map((want, d) => {
      const min = (x.shape[d + nonSpatial] - 1) * this.stride[d] - 2 * this.padding[d] + dilatedSize(this.kernelSize[d], this.dilation[d]);
      const max = min + this.stride[d] - 1;
      if (!(want >= min && want <= max)) {
        throw new RangeError(`${op}: requested an output size of ${fmt(size)}, but valid sizes range from ${min} to ${max} in spatial dim ${d} (for an input of ${fmt(x.shape)})`);
      }
      return want - min;
    });
  }

  override extraRepr(): string {
    return this.reprParts(this.padding, this.outputPadding, 'zeros');
  }
}

/** Transposed 1-D convolution ("deconvolution"): weight [in, out/groups, k]. */
export class ConvTranspose1d extends ConvTransposeNd {
  constructor(...args: ArgsOf<typeof CONV_TRANSPOSE2D>) {
    const { inChannels, outChannels, kernelSize, ...opts } = parseArgs(ownSignature(new.target, CONV_TRANSPOSE2D), args);
    super(1, convTranspose1d, inChannels, outChannels, kernelSize, opts);
  }
}

/** Transposed 2-D convolution: weight [in, out/groups, kH, kW]; upsamples by `stride`. */
export class ConvTranspose2d extends ConvTransposeNd {
  constructor(...args: ArgsOf<typeof CONV_TRANSPOSE2D>) {
    const { inChannels, outChannels, kernelSize, ...opts } = parseArgs(ownSignature(new.target, CONV_TRANSPOSE2D), args);
    super(2, convTranspose2d, inChannels, outChannels, kernelSize, opts);
  }
}

/** Transposed 3-D convolution: weight [in, out/groups, kD, kH, kW]. */
export class ConvTranspose3d extends ConvTransposeNd {
  constructor(...args: ArgsOf<typeof CONV_TRANSPOSE2D>) {
    const { inChannels, outChannels, kernelSize, ...opts } = parseArgs(ownSignature(new.target, CONV_TRANSPOSE2D), args);
    super(3, convTranspose3d, inChannels, outChannels, kernelSize, opts);
  }
}

for (const nd of [1, 2, 3]) {
  sameSignature([Conv1d, Conv2d, Conv3d][nd - 1], CONV2D, `Conv${nd}d`, `torch.nn.Conv${nd}d`);
  sameSignature([ConvTranspose1d, ConvTranspose2d, ConvTranspose3d][nd - 1], CONV_TRANSPOSE2D, `ConvTranspose${nd}d`, `torch.nn.ConvTranspose${nd}d`);
}

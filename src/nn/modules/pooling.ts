/** Pooling layers around the functional pooling ops; options are stored as given and printed as PyTorch prints them. */
import { is, ownSignature, parseArgs, sameSignature, signature, type ArgsOf } from '../../core/args.js';
import type { Tensor } from '../../core/tensor.js';
import {
  adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveAvgPool3d, adaptiveMaxPool1d, adaptiveMaxPool2d,
  avgPool1d, avgPool2d, avgPool3d, maxPool1d, maxPool2d, maxPool3d, type AdaptiveSize, type IntOrTuple,
} from '../../ops/conv/index.js';
import { pyBool, pySize } from '../check.js';
import { Module } from '../module.js';

export interface MaxPoolLayerOptions<R extends boolean = boolean> {
  /** Default: the kernel size. */
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  dilation?: IntOrTuple;
  /** forward returns [values, indices] (the flat position of each maximum), as PyTorch's tuple. */
  returnIndices?: R;
  ceilMode?: boolean;
}

/** What a max pooling layer's forward returns: values, or [values, indices] when built with returnIndices: true. */
export type MaxPoolResult<R extends boolean> = R extends true ? [Tensor, Tensor] : Tensor;

const MAX_POOL2D = signature('MaxPool2d', 'torch.nn.', [['kernelSize', is.size]], [
  ['stride', is.nullable(is.size)], ['padding', is.size], ['dilation', is.size], ['returnIndices', is.bool], ['ceilMode', is.bool],
]);
const AVG_POOL1D = signature('AvgPool1d', 'torch.nn.', [['kernelSize', is.size]], [
  ['stride', is.nullable(is.size)], ['padding', is.size], ['ceilMode', is.bool], ['countIncludePad', is.bool],
]);
const AVG_POOL2D = signature('AvgPool2d', 'torch.nn.', [['kernelSize', is.size]], [...AVG_POOL1D.optional, ['divisorOverride', is.nullable(is.int)]]);
const ADAPTIVE_AVG_POOL2D = signature('AdaptiveAvgPool2d', 'torch.nn.', [['outputSize', is.adaptiveSize]], []);
const ADAPTIVE_MAX_POOL2D = signature('AdaptiveMaxPool2d', 'torch.nn.', [['outputSize', is.adaptiveSize]], [['returnIndices', is.bool]]);

type MaxPoolOp = (input: Tensor, kernelSize: IntOrTuple, opts: { stride?: IntOrTuple | null; padding?: IntOrTuple; dilation?: IntOrTuple; ceilMode?: boolean; returnIndices?: boolean }) => Tensor | [Tensor, Tensor];

abstract class MaxPoolNd<R extends boolean> extends Module {
  readonly kernelSize: IntOrTuple;
  readonly stride: IntOrTuple;
  readonly padding: IntOrTuple;
  readonly dilation: IntOrTuple;
  readonly returnIndices: R;
  readonly ceilMode: boolean;
  private readonly _pool: MaxPoolOp;

  constructor(pool: MaxPoolOp, cls: object, args: unknown[]) {
    super();
    const { kernelSize, stride = null, padding = 0, dilation = 1, returnIndices, ceilMode = false } = parseArgs(ownSignature(cls, MAX_POOL2D), args);
    this.kernelSize = kernelSize;
    this.stride = stride ?? kernelSize;
    this.padding = padding;
    this.dilation = dilation;
    this.returnIndices = (returnIndices ?? false) as R;
    this.ceilMode = ceilMode;
    this._pool = pool;
  }

  forward(x: Tensor): MaxPoolResult<R> {
    return this._pool(x, this.kernelSize, {
      stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode, returnIndices: this.returnIndices,
    }) as MaxPoolResult<R>;
  }

  override extraRepr(): string {
    return `kernel_size=${pySize(this.kernelSize)}, stride=${pySize(this.stride)}, padding=${pySize(this.padding)}, dilation=${pySize(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

/** Max over windows of [N, C, L]. */
export class MaxPool1d<R extends boolean = false> extends MaxPoolNd<R> {
  constructor(kernelSize: IntOrTuple, opts?: MaxPoolLayerOptions<R>);
  constructor(...args: ArgsOf<typeof MAX_POOL2D>);
  constructor(...args: unknown[]) {
    super(maxPool1d as MaxPoolOp, new.target, args);
  }
}

/** Max over windows of [N, C, H, W] (LeNet's and AlexNet's subsampling). */
export class MaxPool2d<R extends boolean = false> extends MaxPoolNd<R> {
  constructor(kernelSize: IntOrTuple, opts?: MaxPoolLayerOptions<R>);
  constructor(...args: ArgsOf<typeof MAX_POOL2D>);
  constructor(...args: unknown[]) {
    super(maxPool2d as MaxPoolOp, new.target, args);
  }
}

export class MaxPool3d<R extends boolean = false> extends MaxPoolNd<R> {
  constructor(kernelSize: IntOrTuple, opts?: MaxPoolLayerOptions<R>);
  constructor(...args: ArgsOf<typeof MAX_POOL2D>);
  constructor(...args: unknown[]) {
    super(maxPool3d as MaxPoolOp, new.target, args);
  }
}

export interface AvgPoolLayerOptions {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  ceilMode?: boolean;
  /** Count the zero padding in each window's divisor (default true, as PyTorch). */
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

type AvgPoolOp = (input: Tensor, kernelSize: IntOrTuple, opts: AvgPoolLayerOptions) => Tensor;

abstract class AvgPoolNd extends Module {
  readonly kernelSize: IntOrTuple;
  readonly stride: IntOrTuple;
  readonly padding: IntOrTuple;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;
  private readonly _pool: AvgPoolOp;

  constructor(pool: AvgPoolOp, kernelSize: IntOrTuple, { stride = null, padding = 0, ceilMode = false, countIncludePad = true, divisorOverride = null }: AvgPoolLayerOptions) {
    super();
    this.kernelSize = kernelSize;
    this.stride = stride ?? kernelSize;
    this.padding = padding;
    this.ceilMode = ceilMode;
    this.countIncludePad = countIncludePad;
    this.divisorOverride = divisorOverride;
    this._pool = pool;
  }

  forward(x: Tensor): Tensor {
    return this._pool(x, this.kernelSize, {
      stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad,
      // avg_pool1d has no divisor_override parameter
      ...(this.divisorOverride === null ? {} : { divisorOverride: this.divisorOverride }),
    });
  }

  override extraRepr(): string {
    return `kernel_size=${pySize(this.kernelSize)}, stride=${pySize(this.stride)}, padding=${pySize(this.padding)}`;
  }
}

/** Mean over windows of [N, C, L]. (PyTorch stores its sizes as 1-tuples, and prints them so.) */
export class AvgPool1d extends AvgPoolNd {
  constructor(...args: ArgsOf<typeof AVG_POOL1D>) {
    const { kernelSize, ...opts } = parseArgs(AVG_POOL1D, args);
    const single = (v: IntOrTuple): number[] => (typeof v === 'number' ? [v] : v.slice());
    super(avgPool1d, single(kernelSize), { ...opts, stride: opts.stride == null ? null : single(opts.stride), padding: single(opts.padding ?? 0) });
  }
}

/** Mean over windows of [N, C, H, W] (LeNet-5's original subsampling). */
export class AvgPool2d extends AvgPoolNd {
  constructor(...args: ArgsOf<typeof AVG_POOL2D>) {
    const { kernelSize, ...opts } = parseArgs(ownSignature(new.target, AVG_POOL2D), args);
    super(avgPool2d, kernelSize, opts);
  }
}

export class AvgPool3d extends AvgPoolNd {
  constructor(...args: ArgsOf<typeof AVG_POOL2D>) {
    const { kernelSize, ...opts } = parseArgs(ownSignature(new.target, AVG_POOL2D), args);
    super(avgPool3d, kernelSize, opts);
  }
}

abstract class AdaptivePoolNd extends Module {
  readonly outputSize: AdaptiveSize;

  constructor(...args: ArgsOf<typeof ADAPTIVE_AVG_POOL2D>) {
    super();
    this.outputSize = parseArgs(ownSignature(new.target, ADAPTIVE_AVG_POOL2D), args).outputSize;
  }

  override extraRepr(): string {
    const s = this.outputSize;
    return `output_size=${typeof s === 'number' ? s : `(${s.map((v) => (v === null ? 'None' : v)).join(', ')}${s.length === 1 ? ',' : ''})`}`;
  }
}

/** Averages to a fixed output size whatever the input size (ResNet's global pooling: AdaptiveAvgPool2d(1)). */
export class AdaptiveAvgPool1d extends AdaptivePoolNd {
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool1d(x, this.outputSize);
  }
}

export class AdaptiveAvgPool2d extends AdaptivePoolNd {
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
}

export class AdaptiveAvgPool3d extends AdaptivePoolNd {
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool3d(x, this.outputSize);
  }
}

abstract class AdaptiveMaxPoolNd<R extends boolean> extends AdaptivePoolNd {
  readonly returnIndices: R;

  constructor(outputSize: AdaptiveSize, opts?: { returnIndices?: R });
  constructor(...args: ArgsOf<typeof ADAPTIVE_MAX_POOL2D>);
  constructor(...args: unknown[]) {
    const { outputSize, returnIndices } = parseArgs(ownSignature(new.target, ADAPTIVE_MAX_POOL2D), args);
    super(outputSize);
    this.returnIndices = (returnIndices ?? false) as R;
  }
}

/** Max to a fixed output size; [values, indices] when built with returnIndices: true. */
export class AdaptiveMaxPool1d<R extends boolean = false> extends AdaptiveMaxPoolNd<R> {
  forward(x: Tensor): MaxPoolResult<R> {
    return adaptiveMaxPool1d(x, this.outputSize, { returnIndices: this.returnIndices }) as MaxPoolResult<R>;
  }
}

export class AdaptiveMaxPool2d<R extends boolean = false> extends AdaptiveMaxPoolNd<R> {
  forward(x: Tensor): MaxPoolResult<R> {
    return adaptiveMaxPool2d(x, this.outputSize, { returnIndices: this.returnIndices }) as MaxPoolResult<R>;
  }
}

for (const nd of [1, 2, 3]) {
  sameSignature([MaxPool1d, MaxPool2d, MaxPool3d][nd - 1], MAX_POOL2D, `MaxPool${nd}d`, `torch.nn.MaxPool${nd}d`);
  sameSignature([AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveAvgPool3d][nd - 1], ADAPTIVE_AVG_POOL2D, `AdaptiveAvgPool${nd}d`, `torch.nn.AdaptiveAvgPool${nd}d`);
}
sameSignature(AvgPool1d, AVG_POOL1D, 'AvgPool1d', 'torch.nn.');
sameSignature(AvgPool2d, AVG_POOL2D, 'AvgPool2d', 'torch.nn.');
sameSignature(AvgPool3d, AVG_POOL2D, 'AvgPool3d', 'torch.nn.');
sameSignature(AdaptiveMaxPool1d, ADAPTIVE_MAX_POOL2D, 'AdaptiveMaxPool1d', 'torch.nn.');
sameSignature(AdaptiveMaxPool2d, ADAPTIVE_MAX_POOL2D, 'AdaptiveMaxPool2d', 'torch.nn.');

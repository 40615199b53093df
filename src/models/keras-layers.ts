/**
 * Layers that reproduce Keras's definitions where PyTorch's differ, for the Keras applications models
 * (Xception, Inception-ResNet-v2): Keras's BatchNormalization defaults (eps 1e-3, momentum 0.99, i.e. 0.01 in
 * PyTorch's convention), BatchNormalization(scale=False), SeparableConv2D, and 'same' max pooling, which
 * TensorFlow pads asymmetrically (the extra row and column at the end).
 */
import type { Tensor } from '../core/tensor.js';
import { cat, ones, relu, zeros } from '../ops/index.js';
import { BatchNorm2d, Conv2d, Module, Parameter } from '../nn/index.js';
import { batchNorm, maxPool2d, pad } from '../nn/functional.js';

const KERAS_EPS = 1e-3;
const KERAS_MOMENTUM = 0.01;

export const kerasBatchNorm = (channels: number): BatchNorm2d => new BatchNorm2d(channels, { eps: KERAS_EPS, momentum: KERAS_MOMENTUM });

/** BatchNormalization(scale=False): a learned shift (beta, stored as `bias`) but no scale; running statistics as usual. */
export class ShiftBatchNorm2d extends Module {
  bias: Parameter;

  constructor(readonly numFeatures: number) {
    super();
    this.bias = new Parameter(zeros([numFeatures]));
    this.registerBuffer('running_mean', zeros([numFeatures]));
    this.registerBuffer('running_var', ones([numFeatures]));
    this.registerBuffer('num_batches_tracked', zeros([], { dtype: 'int32' }));
  }

  forward(x: Tensor): Tensor {
    if (this.training) this.getBuffer('num_batches_tracked')!.add_(1);
    return batchNorm(x, this.getBuffer('running_mean'), this.getBuffer('running_var'), null, this.bias, {
      training: this.training, momentum: KERAS_MOMENTUM, eps: KERAS_EPS,
    });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${KERAS_EPS}, momentum=${KERAS_MOMENTUM}, scale=False`;
  }
}

/** SeparableConv2D without bias: a depthwise k x k convolution (one filter per channel), then a pointwise 1x1. */
export class SeparableConv2d extends Module {
  depthwise: Conv2d;
  pointwise: Conv2d;

  constructor(inChannels: number, outChannels: number, kernelSize = 3) {
    super();
    this.depthwise = new Conv2d(inChannels, inChannels, kernelSize, { padding: 'same', groups: inChannels, bias: false });
    this.pointwise = new Conv2d(inChannels, outChannels, 1, { bias: false });
  }

  forward(x: Tensor): Tensor {
    return this.pointwise.call(this.depthwise.call(x));
  }
}

/** TensorFlow's 'same' padding of one dimension: [before, after], the odd one after. */
export function tfSamePadding(size: number, kernel: number, stride: number): [number, number] {
  const total = Math.max((Math.ceil(size / stride) - 1) * stride + kernel - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** MaxPooling2D(padding='same'): padded with -infinity so padding never wins the max, the extra row/column at the end. */
export class MaxPool2dSame extends Module {
  constructor(readonly kernelSize: number, readonly stride: number) {
    super();
  }

  forward(x: Tensor): Tensor {
    const [top, bottom] = tfSamePadding(x.shape[2], this.kernelSize, this.stride);
    const [left, right] = tfSamePadding(x.shape[3], this.kernelSize, this.stride);
    const padded = pad(x, [left, right, top, bottom], { value: -Infinity });
    return maxPool2d(padded, this.kernelSize, { stride: this.stride }) as Tensor;
  }

  override extraRepr(): string {
    return `kernel_size=${this.kernelSize}, stride=${this.stride}, padding='same'`;
  }
}

/** Keras's conv2d_bn (Inception-ResNet-v2): convolution without bias, BatchNorm without scale, then ReLU unless `activation` is false. */
export class ConvBn extends Module {
  conv: Conv2d;
  bn: ShiftBatchNorm2d;
  private readonly _activation: boolean;

  constructor(inC: number, outC: number, kernelSize: number | [number, number], { stride = 1, padding = 'same', activation = true }: { stride?: number; padding?: 'same' | 'valid'; activation?: boolean } = {}) {
    super();
    this.conv = new Conv2d(inC, outC, kernelSize, { stride, padding, bias: false });
    this.bn = new ShiftBatchNorm2d(outC);
    this._activation = activation;
  }

  forward(x: Tensor): Tensor {
    const y = this.bn.call(this.conv.call(x));
    return this._activation ? relu(y) : y;
  }
}

/** Parallel branches over one input (`branch_0`, `branch_1`, ..., then an optional `pool`), concatenated along channels. */
export class Branches extends Module {
  private readonly _parts: Module[];

  constructor(branches: Module[], pool: Module | null = null) {
    super();
    branches.forEach((b, i) => this.registerModule(`branch_${i}`, b));
    if (pool) this.registerModule('pool', pool);
    this._parts = pool ? [...branches, pool] : branches;
  }

  forward(x: Tensor): Tensor {
    return cat(this._parts.map((b) => b.call(x) as Tensor), 1);
  }
}

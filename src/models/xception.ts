/**
 * Xception (Chollet 2017) following the Keras applications definition layer by layer: depthwise-separable
 * convolutions without bias, each followed by BatchNorm (Keras's eps 1e-3); the entry flow's blocks 2-4 and
 * the exit flow's block 13 downsample with a 'same' max-pool plus a strided 1x1 residual convolution; the
 * eight middle-flow blocks add their input back. Module names follow the Keras layer names (block2_sepconv1
 * becomes block2.sepconv1), so Keras weights map one to one. 22,855,952 parameters plus 54,528 running
 * statistics: Keras's total of 22,910,480.
 */
import type { Tensor } from '../core/tensor.js';
import { add, flatten, relu } from '../ops/index.js';
import { BatchNorm2d, Conv2d, Linear, Module } from '../nn/index.js';
import { adaptiveAvgPool2d } from '../nn/functional.js';
import { kerasBatchNorm, MaxPool2dSame, SeparableConv2d } from './keras-layers.js';
import { checkOptions, type HasLastLayer, type ModelOptions } from './options.js';

/** Keras's block N: [ReLU] sepconv BN, (ReLU sepconv BN)..., then a downsampling max-pool + residual conv, or the identity. */
export class XceptionBlock extends Module {
  private readonly _steps: [SeparableConv2d, BatchNorm2d][] = [];
  private readonly _firstRelu: boolean;
  declare residual?: Conv2d;
  declare residual_bn?: BatchNorm2d;
  declare pool?: MaxPool2dSame;

  constructor(inC: number, widths: readonly number[], { firstRelu = true, downsample = true } = {}) {
    super();
    this._firstRelu = firstRelu;
    const self = this as unknown as Record<string, Module>;
    let c = inC;
    widths.forEach((w, i) => {
      const step: [SeparableConv2d, BatchNorm2d] = [new SeparableConv2d(c, w), kerasBatchNorm(w)];
      [self[`sepconv${i + 1}`], self[`sepconv${i + 1}_bn`]] = step;
      this._steps.push(step);
      c = w;
    });
    if (downsample) {
      this.residual = new Conv2d(inC, c, 1, { stride: 2, bias: false });
      this.residual_bn = kerasBatchNorm(c);
      this.pool = new MaxPool2dSame(3, 2);
    }
  }

  forward(x: Tensor): Tensor {
    let y = x;
    this._steps.forEach(([sep, bn], i) => {
      y = bn.call(sep.call(i > 0 || this._firstRelu ? relu(y) : y));
    });
    if (!this.pool) return add(y, x);
    return add(this.pool.call(y), this.residual_bn!.call(this.residual!.call(x)));
  }
}

export class Xception extends Module implements HasLastLayer {
  declare block1_conv1: Conv2d;
  declare block1_conv1_bn: BatchNorm2d;
  declare block1_conv2: Conv2d;
  declare block1_conv2_bn: BatchNorm2d;
  declare block14_sepconv1: SeparableConv2d;
  declare block14_sepconv1_bn: BatchNorm2d;
  declare block14_sepconv2: SeparableConv2d;
  declare block14_sepconv2_bn: BatchNorm2d;
  declare predictions: Linear;
  /** block2 ... block13, in order. */
  private readonly _blocks: XceptionBlock[] = [];

  constructor(opts: ModelOptions = {}) {
    super();
    const o = checkOptions('xception', opts, [], { numClasses: 1000, inChannels: 3 });
    // assigned in Keras's layer order, which is the registration (and state-dict) order
    this.block1_conv1 = new Conv2d(o.inChannels, 32, 3, { stride: 2, bias: false });
    this.block1_conv1_bn = kerasBatchNorm(32);
    this.block1_conv2 = new Conv2d(32, 64, 3, { bias: false });
    this.block1_conv2_bn = kerasBatchNorm(64);
    const blocks = [
      new XceptionBlock(64, [128, 128], { firstRelu: false }),
      new XceptionBlock(128, [256, 256]),
      new XceptionBlock(256, [728, 728]),
      ...Array.from({ length: 8 }, () => new XceptionBlock(728, [728, 728, 728], { downsample: false })),
      new XceptionBlock(728, [728, 1024]),
    ];
    const self = this as unknown as Record<string, Module>;
    blocks.forEach((b, i) => (self[`block${i + 2}`] = b));
    this._blocks.push(...blocks);
    this.block14_sepconv1 = new SeparableConv2d(1024, 1536);
    this.block14_sepconv1_bn = kerasBatchNorm(1536);
    this.block14_sepconv2 = new SeparableConv2d(1536, 2048);
    this.block14_sepconv2_bn = kerasBatchNorm(2048);
    this.predictions = new Linear(2048, o.numClasses);
  }

  forward(x: Tensor): Tensor {
    x = relu(this.block1_conv1_bn.call(this.block1_conv1.call(x)));
    x = relu(this.block1_conv2_bn.call(this.block1_conv2.call(x)));
    for (const b of this._blocks) x = b.call(x);
    x = relu(this.block14_sepconv1_bn.call(this.block14_sepconv1.call(x)));
    x = relu(this.block14_sepconv2_bn.call(this.block14_sepconv2.call(x)));
    return this.predictions.call(flatten(adaptiveAvgPool2d(x, [1, 1]), 1));
  }

  get lastLayer(): Linear {
    return this.predictions;
  }

  set lastLayer(layer: Linear) {
    this.predictions = layer;
  }
}

export const xception = (opts: ModelOptions = {}): Xception => new Xception(opts);

/**
 * Inception-ResNet-v2 (Szegedy et al. 2016) following the Keras applications definition layer by layer.
 * Every conv2d_bn is a convolution without bias and a BatchNorm *without scale* (Keras's scale=False), so
 * its parameters are 55,813,192 plus 60,544 running statistics: Keras's total of 55,873,736. Each residual
 * block adds `scale` times a linear 1x1 projection of its concatenated branches to its input. Module names
 * follow TF-slim's scopes as Keras's comments do (conv2d_1a, mixed_5b, block35, ...).
 */
import type { Tensor } from '../core/tensor.js';
import { add, flatten, mul, relu } from '../ops/index.js';
import { AvgPool2d, Conv2d, Linear, MaxPool2d, Module, Sequential } from '../nn/index.js';
import { adaptiveAvgPool2d } from '../nn/functional.js';
import { Branches, ConvBn } from './keras-layers.js';
import { checkOptions, type HasLastLayer, type ModelOptions } from './options.js';

type BlockType = 'block35' | 'block17' | 'block8';

const seq = (...layers: Module[]): Sequential => new Sequential(...layers);

function blockBranches(type: BlockType, c: number): [Branches, number] {
  if (type === 'block35') {
    return [new Branches([
      seq(new ConvBn(c, 32, 1)),
      seq(new ConvBn(c, 32, 1), new ConvBn(32, 32, 3)),
      seq(new ConvBn(c, 32, 1), new ConvBn(32, 48, 3), new ConvBn(48, 64, 3)),
    ]), 32 + 32 + 64];
  }
  if (type === 'block17') {
    return [new Branches([
      seq(new ConvBn(c, 192, 1)),
      seq(new ConvBn(c, 128, 1), new ConvBn(128, 160, [1, 7]), new ConvBn(160, 192, [7, 1])),
    ]), 192 + 192];
  }
  return [new Branches([
    seq(new ConvBn(c, 192, 1)),
    seq(new ConvBn(c, 192, 1), new ConvBn(192, 224, [1, 3]), new ConvBn(224, 256, [3, 1])),
  ]), 192 + 256];
}

/** Keras's inception_resnet_block: x + scale * conv1x1(concat(branches)), then ReLU (not after the very last block). */
export class InceptionResNetBlock extends Module {
  mixed: Branches;
  conv: Conv2d;

  constructor(type: BlockType, channels: number, readonly scale: number, readonly activation = true) {
    super();
    const [mixed, width] = blockBranches(type, channels);
    this.mixed = mixed;
    this.conv = new Conv2d(width, channels, 1);
  }

  forward(x: Tensor): Tensor {
    const y = add(x, mul(this.conv.call(this.mixed.call(x)), this.scale));
    return this.activation ? relu(y) : y;
  }
}

const repeat = (n: number, make: (i: number) => Module): Sequential => new Sequential(...Array.from({ length: n }, (_, i) => make(i)));
const valid = { padding: 'valid' as const };

export class InceptionResNetV2 extends Module implements HasLastLayer {
  conv2d_1a: ConvBn;
  conv2d_2a: ConvBn;
  conv2d_2b: ConvBn;
  maxpool_3a: MaxPool2d;
  conv2d_3b: ConvBn;
  conv2d_4a: ConvBn;
  maxpool_5a: MaxPool2d;
  mixed_5b: Branches;
  block35: Sequential;
  mixed_6a: Branches;
  block17: Sequential;
  mixed_7a: Branches;
  block8: Sequential;
  conv_7b: ConvBn;
  predictions: Linear;

  constructor(opts: ModelOptions = {}) {
    super();
    const o = checkOptions('inceptionResnetV2', opts, [], { numClasses: 1000, inChannels: 3 });
    const s2 = { stride: 2, padding: 'valid' as const };
    // stem, to 35x35x192
    this.conv2d_1a = new ConvBn(o.inChannels, 32, 3, s2);
    this.conv2d_2a = new ConvBn(32, 32, 3, valid);
    this.conv2d_2b = new ConvBn(32, 64, 3);
    this.maxpool_3a = new MaxPool2d(3, { stride: 2 });
    this.conv2d_3b = new ConvBn(64, 80, 1, valid);
    this.conv2d_4a = new ConvBn(80, 192, 3, valid);
    this.maxpool_5a = new MaxPool2d(3, { stride: 2 });
    // Inception-A, 35x35x320; Keras's 'same' average pool does not count the padding
    this.mixed_5b = new Branches([
      seq(new ConvBn(192, 96, 1)),
      seq(new ConvBn(192, 48, 1), new ConvBn(48, 64, 5)),
      seq(new ConvBn(192, 64, 1), new ConvBn(64, 96, 3), new ConvBn(96, 96, 3)),
      seq(new AvgPool2d(3, { stride: 1, padding: 1, countIncludePad: false }), new ConvBn(192, 64, 1)),
    ]);
    this.block35 = repeat(10, () => new InceptionResNetBlock('block35', 320, 0.17));
    // Reduction-A, to 17x17x1088
    this.mixed_6a = new Branches([
      seq(new ConvBn(320, 384, 3, s2)),
      seq(new ConvBn(320, 256, 1), new ConvBn(256, 256, 3), new ConvBn(256, 384, 3, s2)),
    ], new MaxPool2d(3, { stride: 2 }));
    this.block17 = repeat(20, () => new InceptionResNetBlock('block17', 1088, 0.1));
    // Reduction-B, to 8x8x2080
    this.mixed_7a = new Branches([
      seq(new ConvBn(1088, 256, 1), new ConvBn(256, 384, 3, s2)),
      seq(new ConvBn(1088, 256, 1), new ConvBn(256, 288, 3, s2)),
      seq(new ConvBn(1088, 256, 1), new ConvBn(256, 288, 3), new ConvBn(288, 320, 3, s2)),
    ], new MaxPool2d(3, { stride: 2 }));
    this.block8 = repeat(10, (i) => new InceptionResNetBlock('block8', 2080, i < 9 ? 0.2 : 1, i < 9));
    this.conv_7b = new ConvBn(2080, 1536, 1);
    this.predictions = new Linear(1536, o.numClasses);
  }

  forward(x: Tensor): Tensor {
    for (const m of [this.conv2d_1a, this.conv2d_2a, this.conv2d_2b, this.maxpool_3a, this.conv2d_3b, this.conv2d_4a, this.maxpool_5a,
      this.mixed_5b, this.block35, this.mixed_6a, this.block17, this.mixed_7a, this.block8, this.conv_7b]) {
      x = m.call(x) as Tensor;
    }
    return this.predictions.call(flatten(adaptiveAvgPool2d(x, [1, 1]), 1));
  }

  get lastLayer(): Linear {
    return this.predictions;
  }

  set lastLayer(layer: Linear) {
    this.predictions = layer;
  }
}

export const inceptionResnetV2 = (opts: ModelOptions = {}): InceptionResNetV2 => new InceptionResNetV2(opts);

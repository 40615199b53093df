/**
 * The lecture's ResidualNet: a stem convolution, then residual blocks (two filt x filt convolutions with
 * BatchNorm, the input added back) that halve the resolution and double the filters every two blocks
 * (1x1 projection shortcuts where the shape changes), then dropout and one linear layer over the flattened
 * maps. Convolution and linear weights are Xavier-uniform, biases zero.
 */
import type { Tensor } from '../core/tensor.js';
import { add, flatten, relu } from '../ops/index.js';
import { BatchNorm2d, Conv2d, Dropout, Linear, Module, Sequential } from '../nn/index.js';
import { xavierUniform_, zeros_ } from '../nn/init.js';
import { checkOptions, positiveInt, probability, type HasLastLayer, type ModelOptions } from './options.js';

export interface ResidualNetOptions extends ModelOptions {
  /** Input [channels, height, width]; sizes the final linear layer. Default [inChannels, 32, 32]. */
  inDim?: [number, number, number];
  /** Filters of the stem and the first blocks. Default 16. */
  channels?: number;
  /** Odd kernel size of every convolution. Default 3. */
  filt?: number;
  numResBlocks?: number;
  /** Dropout before the linear layer. Default 0. */
  dropP?: number;
}

export class ResidualBlock extends Module {
  conv1: Conv2d;
  bn1: BatchNorm2d;
  conv2: Conv2d;
  bn2: BatchNorm2d;
  /** Empty (the identity) unless the block changes resolution or width. */
  shortcut: Sequential;

  constructor(inChannels: number, outChannels: number, filt: number, stride: number) {
    super();
    const padding = (filt - 1) / 2;
    this.conv1 = new Conv2d(inChannels, outChannels, filt, { stride, padding, bias: false });
    this.bn1 = new BatchNorm2d(outChannels);
    this.conv2 = new Conv2d(outChannels, outChannels, filt, { padding, bias: false });
    this.bn2 = new BatchNorm2d(outChannels);
    this.shortcut = stride !== 1 || inChannels !== outChannels
      ? new Sequential(new Conv2d(inChannels, outChannels, 1, { stride, bias: false }), new BatchNorm2d(outChannels))
      : new Sequential();
  }

  forward(x: Tensor): Tensor {
    const out = relu(this.bn1.call(this.conv1.call(x)));
    return relu(add(this.bn2.call(this.conv2.call(out)), this.shortcut.call(x)));
  }
}

export class ResidualNet extends Module implements HasLastLayer {
  conv: Conv2d;
  bn: BatchNorm2d;
  blocks: Sequential;
  dropout: Dropout;
  fc: Linear;

  constructor(opts: ResidualNetOptions = {}) {
    super();
    const op = 'residualNet';
    const o = checkOptions(op, opts, ['inDim', 'channels', 'filt', 'numResBlocks', 'dropP'], { numClasses: 10, inChannels: 3 });
    const inDim = o.inDim ?? [o.inChannels, 32, 32];
    if (!Array.isArray(inDim) || inDim.length !== 3 || inDim.some((d) => !Number.isInteger(d) || d <= 0)) {
      throw new RangeError(`${op}: inDim must be [channels, height, width] of positive integers, got ${JSON.stringify(inDim)}`);
    }
    if (opts.inChannels !== undefined && opts.inChannels !== inDim[0]) {
      throw new RangeError(`${op}: inChannels ${opts.inChannels} disagrees with inDim ${JSON.stringify(inDim)}`);
    }
    const [c, h0, w0] = inDim;
    const { channels = 16, filt = 3, numResBlocks = 6, dropP = 0 } = o;
    positiveInt(op, 'channels', channels);
    positiveInt(op, 'numResBlocks', numResBlocks);
    if (!Number.isInteger(filt) || filt <= 0 || filt % 2 === 0) throw new RangeError(`${op}: filt must be an odd positive integer (padding keeps the size), got ${filt}`);
    probability(op, 'dropP', dropP);

    this.conv = new Conv2d(c, channels, filt, { padding: (filt - 1) / 2, bias: false });
    this.bn = new BatchNorm2d(channels);
    const blocks: ResidualBlock[] = [];
    let [width, h, w] = [channels, h0, w0];
    for (let i = 0; i < numResBlocks; i++) {
      const stride = i > 0 && i % 2 === 0 ? 2 : 1;
      blocks.push(new ResidualBlock(width, width * stride, filt, stride));
      width *= stride;
      if (stride === 2) [h, w] = [Math.ceil(h / 2), Math.ceil(w / 2)];
    }
    this.blocks = new Sequential(...blocks);
    this.dropout = new Dropout({ p: dropP });
    this.fc = new Linear(width * h * w, o.numClasses);
    for (const m of this.modules()) {
      if (m instanceof Conv2d || m instanceof Linear) {
        xavierUniform_(m.weight);
        if (m.bias) zeros_(m.bias);
      }
    }
  }

  forward(x: Tensor): Tensor {
    const features = this.blocks.call(relu(this.bn.call(this.conv.call(x))));
    return this.fc.call(this.dropout.call(flatten(features, 1)));
  }

  get lastLayer(): Linear {
    return this.fc;
  }

  set lastLayer(layer: Linear) {
    this.fc = layer;
  }
}

export const residualNet = (opts: ResidualNetOptions = {}): ResidualNet => new ResidualNet(opts);

/**
 * The lecture's LeNet-5 (LeCun et al. 1998) for 1x32x32 images: C1 5x5 conv to 6 maps, S2 pool, C3 5x5 conv to
 * 16 maps, S4 pool, C5 5x5 conv to 120 (a 1x1 map, so a fully connected layer in effect), F6 84 units and the
 * output layer, 61,706 parameters. The lecture's version uses sigmoid and average pooling.
 */
import type { Tensor } from '../core/tensor.js';
import { flatten } from '../ops/index.js';
import { AvgPool2d, Conv2d, Linear, MaxPool2d, Module, ReLU, Sequential, Sigmoid, Tanh } from '../nn/index.js';
import { checkOptions, oneOf, type HasLastLayer, type ModelOptions } from './options.js';

export interface LeNet5Options extends ModelOptions {
  activation?: 'sigmoid' | 'relu' | 'tanh';
  pool?: 'avg' | 'max';
}

const ACTIVATIONS = { sigmoid: () => new Sigmoid(), relu: () => new ReLU(), tanh: () => new Tanh() };
const POOLS = { avg: () => new AvgPool2d(2), max: () => new MaxPool2d(2) };

export class LeNet5 extends Module implements HasLastLayer {
  features_detector: Sequential;
  classifier: Sequential;

  constructor(opts: LeNet5Options = {}) {
    super();
    const o = checkOptions('lenet5', opts, ['activation', 'pool'], { numClasses: 10, inChannels: 1 });
    const act = ACTIVATIONS[oneOf('lenet5', 'activation', o.activation ?? 'sigmoid', ['sigmoid', 'relu', 'tanh'])];
    const pool = POOLS[oneOf('lenet5', 'pool', o.pool ?? 'avg', ['avg', 'max'])];
    this.features_detector = new Sequential(
      new Conv2d(o.inChannels, 6, 5), act(), pool(),
      new Conv2d(6, 16, 5), act(), pool(),
      new Conv2d(16, 120, 5), act(),
    );
    this.classifier = new Sequential(new Linear(120, 84), act(), new Linear(84, o.numClasses));
  }

  forward(x: Tensor): Tensor {
    return this.classifier.call(flatten(this.features_detector.call(x), 1));
  }

  get lastLayer(): Linear {
    return this.classifier.at(-1) as Linear;
  }

  set lastLayer(layer: Linear) {
    this.classifier.registerModule(String(this.classifier.length - 1), layer);
  }
}

export const lenet5 = (opts: LeNet5Options = {}): LeNet5 => new LeNet5(opts);

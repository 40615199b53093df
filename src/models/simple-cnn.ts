/** The lecture's small CNN for 3x32x32 images: two stride-2 5x5 convolutions (32x32 -> 14x14 -> 5x5), then one linear layer. */
import type { Tensor } from '../core/tensor.js';
import { flatten } from '../ops/index.js';
import { Conv2d, Dropout2d, Linear, Module, ReLU, Sequential } from '../nn/index.js';
import { checkOptions, probability, type HasLastLayer, type ModelOptions } from './options.js';

export interface SimpleCnnOptions extends ModelOptions {
  /** Probability of Dropout2d zeroing a whole feature map. Default 0.5. */
  dropout?: number;
}

export class SimpleCNN extends Module implements HasLastLayer {
  features: Sequential;
  classifier: Linear;

  constructor(opts: SimpleCnnOptions = {}) {
    super();
    const o = checkOptions('simpleCnn', opts, ['dropout'], { numClasses: 10, inChannels: 3 });
    const p = o.dropout ?? 0.5;
    probability('simpleCnn', 'dropout', p);
    this.features = new Sequential(
      new Conv2d(o.inChannels, 16, 5, { stride: 2 }), new ReLU(),
      new Conv2d(16, 32, 5, { stride: 2 }), new ReLU(), new Dropout2d({ p }),
    );
    this.classifier = new Linear(32 * 5 * 5, o.numClasses);
  }

  forward(x: Tensor): Tensor {
    return this.classifier.call(flatten(this.features.call(x), 1));
  }

  get lastLayer(): Linear {
    return this.classifier;
  }

  set lastLayer(layer: Linear) {
    this.classifier = layer;
  }
}

export const simpleCnn = (opts: SimpleCnnOptions = {}): SimpleCNN => new SimpleCNN(opts);

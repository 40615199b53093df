/**
 * AlexNet as torchvision builds it (the "one weird trick" variant of Krizhevsky et al. 2012: 64/192/384/256/256
 * filters, no LRN), with the same module tree and state-dict keys. The lecture's 1-channel, 10-class version,
 * `alexnet({ inChannels: 1, numClasses: 10 })`, has 57,029,322 parameters.
 */
import { AdaptiveAvgPool2d, Conv2d, Dropout, Linear, MaxPool2d, ReLU, Sequential } from '../nn/index.js';
import { checkOptions, probability, type ModelOptions } from './options.js';
import { PooledClassifier } from './pooled-classifier.js';

export interface AlexNetOptions extends ModelOptions {
  /** Dropout before the two hidden fully connected layers. Default 0.5. */
  dropout?: number;
}

export class AlexNet extends PooledClassifier {
  features: Sequential;
  avgpool: AdaptiveAvgPool2d;
  classifier: Sequential;

  constructor(opts: AlexNetOptions = {}) {
    super();
    const o = checkOptions('alexnet', opts, ['dropout'], { numClasses: 1000, inChannels: 3 });
    const p = o.dropout ?? 0.5;
    probability('alexnet', 'dropout', p);
    this.features = new Sequential(
      new Conv2d(o.inChannels, 64, 11, { stride: 4, padding: 2 }), new ReLU({ inplace: true }), new MaxPool2d(3, { stride: 2 }),
      new Conv2d(64, 192, 5, { padding: 2 }), new ReLU({ inplace: true }), new MaxPool2d(3, { stride: 2 }),
      new Conv2d(192, 384, 3, { padding: 1 }), new ReLU({ inplace: true }),
      new Conv2d(384, 256, 3, { padding: 1 }), new ReLU({ inplace: true }),
      new Conv2d(256, 256, 3, { padding: 1 }), new ReLU({ inplace: true }), new MaxPool2d(3, { stride: 2 }),
    );
    this.avgpool = new AdaptiveAvgPool2d([6, 6]);
    this.classifier = new Sequential(
      new Dropout({ p }), new Linear(256 * 6 * 6, 4096), new ReLU({ inplace: true }),
      new Dropout({ p }), new Linear(4096, 4096), new ReLU({ inplace: true }),
      new Linear(4096, o.numClasses),
    );
  }
}

export const alexnet = (opts: AlexNetOptions = {}): AlexNet => new AlexNet(opts);

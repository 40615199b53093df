import type { Tensor } from '../core/tensor.js';
import { flatten } from '../ops/index.js';
import { AdaptiveAvgPool2d, Linear, Module, Sequential } from '../nn/index.js';
import type { HasLastLayer } from './options.js';

/**
 * torchvision's features → adaptive average pool → flatten → classifier layout, shared by AlexNet and VGG.
 * Subclasses assign the three children in this order, which fixes their state-dict keys.
 */
export abstract class PooledClassifier extends Module implements HasLastLayer {
  abstract features: Sequential;
  abstract avgpool: AdaptiveAvgPool2d;
  abstract classifier: Sequential;

  forward(x: Tensor): Tensor {
    return this.classifier.call(flatten(this.avgpool.call(this.features.call(x)), 1));
  }

  get lastLayer(): Linear {
    return this.classifier.at(-1) as Linear;
  }

  set lastLayer(layer: Linear) {
    this.classifier.registerModule(String(this.classifier.length - 1), layer);
  }
}

/**
 * VGG (Simonyan & Zisserman 2014) as torchvision builds it: `features` (3x3 convolutions and 2x2 max-pools),
 * a 7x7 adaptive average pool and three fully connected layers. Besides torchvision's vgg11/13/16/19 (the
 * paper's configurations A, B, D, E), `vgg(config)` builds every column of the paper's Table 1 by name,
 * including A-LRN (local response normalisation after the first convolution) and C (1x1 convolutions).
 */
import {
  AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Dropout, Linear, LocalResponseNorm, MaxPool2d, Module, ReLU, Sequential,
} from '../nn/index.js';
import { constant_, kaimingNormal_, normal_ } from '../nn/init.js';
import { checkOptions, oneOf, probability, type ModelOptions } from './options.js';
import { PooledClassifier } from './pooled-classifier.js';

/** A layer of a configuration: filters of a 3x3 convolution, [filters, kernel] (C's 1x1), a max-pool, or LRN. */
export type VggLayer = number | [number, number] | 'M' | 'LRN';
export type VggConfig = 'A' | 'A-LRN' | 'B' | 'C' | 'D' | 'E';

/** The paper's Table 1, column by column. */
export const VGG_CONFIGS: Record<VggConfig, readonly VggLayer[]> = {
  A: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  'A-LRN': [64, 'LRN', 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  B: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  C: [64, 64, 'M', 128, 128, 'M', 256, 256, [256, 1], 'M', 512, 512, [512, 1], 'M', 512, 512, [512, 1], 'M'],
  D: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
  E: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
};

export interface VggOptions extends ModelOptions {
  /** BatchNorm after every convolution (torchvision's vgg*_bn). Default false. */
  batchNorm?: boolean;
  /** Dropout after the two hidden fully connected layers. Default 0.5. */
  dropout?: number;
  /** torchvision's initialisation (He-normal convolutions, N(0, 0.01) linear layers); false keeps the layers' defaults. Default true. */
  initWeights?: boolean;
}

/**
 * torchvision's make_layers: the `features` Sequential of a configuration. LRN uses Krizhevsky et al.'s
 * constants k = 2, n = 5, alpha = 1e-4, beta = 0.75, where alpha multiplies the plain sum of squares;
 * PyTorch's LocalResponseNorm divides its alpha by n, so it gets 5e-4.
 */
export function makeLayers(config: readonly VggLayer[], { batchNorm = false, inChannels = 3 } = {}): Sequential {
  const layers: Module[] = [];
  let c = inChannels;
  for (const v of config) {
    if (v === 'M') layers.push(new MaxPool2d(2, { stride: 2 }));
    else if (v === 'LRN') layers.push(new LocalResponseNorm(5, { alpha: 5e-4, beta: 0.75, k: 2 }));
    else {
      const [filters, k] = typeof v === 'number' ? [v, 3] : v;
      layers.push(new Conv2d(c, filters, k, { padding: (k - 1) / 2 }));
      if (batchNorm) layers.push(new BatchNorm2d(filters));
      layers.push(new ReLU({ inplace: true }));
      c = filters;
    }
  }
  return new Sequential(...layers);
}

export class VGG extends PooledClassifier {
  features: Sequential;
  avgpool: AdaptiveAvgPool2d;
  classifier: Sequential;

  constructor(features: Sequential, { numClasses = 1000, dropout = 0.5, initWeights = true }: { numClasses?: number; dropout?: number; initWeights?: boolean } = {}) {
    super();
    this.features = features;
    this.avgpool = new AdaptiveAvgPool2d([7, 7]);
    this.classifier = new Sequential(
      new Linear(512 * 7 * 7, 4096), new ReLU({ inplace: true }), new Dropout({ p: dropout }),
      new Linear(4096, 4096), new ReLU({ inplace: true }), new Dropout({ p: dropout }),
      new Linear(4096, numClasses),
    );
    if (initWeights) this.initWeights();
  }

  private initWeights(): void {
    for (const m of this.modules()) {
      if (m instanceof Conv2d) {
        kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
        if (m.bias) constant_(m.bias, 0);
      } else if (m instanceof BatchNorm2d) {
        constant_(m.weight!, 1);
        constant_(m.bias!, 0);
      } else if (m instanceof Linear) {
        normal_(m.weight, { mean: 0, std: 0.01 });
        constant_(m.bias!, 0);
      }
    }
  }
}

/** A column of the paper's Table 1 by name: 'A', 'A-LRN', 'B', 'C' (with 1x1 convolutions), 'D' or 'E'. */
export function vgg(config: VggConfig, opts: VggOptions = {}): VGG {
  const layers = VGG_CONFIGS[oneOf('vgg', 'config', config, Object.keys(VGG_CONFIGS) as VggConfig[])];
  const op = `vgg('${config}')`;
  const o = checkOptions(op, opts, ['batchNorm', 'dropout', 'initWeights'], { numClasses: 1000, inChannels: 3 });
  const dropout = o.dropout ?? 0.5;
  probability(op, 'dropout', dropout);
  const features = makeLayers(layers, { batchNorm: o.batchNorm ?? false, inChannels: o.inChannels });
  return new VGG(features, { numClasses: o.numClasses, dropout, initWeights: o.initWeights ?? true });
}

type PlainOptions = Omit<VggOptions, 'batchNorm'>;
export const vgg11 = (opts: PlainOptions = {}): VGG => vgg('A', opts);
export const vgg13 = (opts: PlainOptions = {}): VGG => vgg('B', opts);
export const vgg16 = (opts: PlainOptions = {}): VGG => vgg('D', opts);
export const vgg19 = (opts: PlainOptions = {}): VGG => vgg('E', opts);
export const vgg11Bn = (opts: PlainOptions = {}): VGG => vgg('A', { ...opts, batchNorm: true });
export const vgg13Bn = (opts: PlainOptions = {}): VGG => vgg('B', { ...opts, batchNorm: true });
export const vgg16Bn = (opts: PlainOptions = {}): VGG => vgg('D', { ...opts, batchNorm: true });
export const vgg19Bn = (opts: PlainOptions = {}): VGG => vgg('E', { ...opts, batchNorm: true });

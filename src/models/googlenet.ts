/**
 * GoogLeNet (Inception v1, Szegedy et al. 2014) as torchvision builds it, with the same module tree and keys.
 * Two auxiliary classifiers (after inception4a and inception4d) add their losses while training and are not
 * run in eval mode. As in torchvision, each Inception block's "5x5" branch is a 3x3 convolution (kept for
 * compatibility with the published weights).
 */
import type { Tensor } from '../core/tensor.js';
import { cat, flatten, relu } from '../ops/index.js';
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Dropout, Linear, MaxPool2d, Module, Sequential } from '../nn/index.js';
import { adaptiveAvgPool2d } from '../nn/functional.js';
import { constant_, truncNormal_ } from '../nn/init.js';
import { BasicConv2d, transformInput } from './layers.js';
import { checkOptions, probability, type HasLastLayer, type ModelOptions } from './options.js';

export class Inception extends Module {
  branch1: BasicConv2d;
  branch2: Sequential;
  branch3: Sequential;
  branch4: Sequential;

  constructor(inC: number, ch1x1: number, ch3x3red: number, ch3x3: number, ch5x5red: number, ch5x5: number, poolProj: number) {
    super();
    this.branch1 = new BasicConv2d(inC, ch1x1, 1);
    this.branch2 = new Sequential(new BasicConv2d(inC, ch3x3red, 1), new BasicConv2d(ch3x3red, ch3x3, 3, { padding: 1 }));
    this.branch3 = new Sequential(new BasicConv2d(inC, ch5x5red, 1), new BasicConv2d(ch5x5red, ch5x5, 3, { padding: 1 }));
    this.branch4 = new Sequential(new MaxPool2d(3, { stride: 1, padding: 1, ceilMode: true }), new BasicConv2d(inC, poolProj, 1));
  }

  forward(x: Tensor): Tensor {
    return cat([this.branch1.call(x), this.branch2.call(x), this.branch3.call(x), this.branch4.call(x)], 1);
  }
}

export class InceptionAux extends Module {
  conv: BasicConv2d;
  fc1: Linear;
  fc2: Linear;
  dropout: Dropout;

  constructor(inC: number, numClasses: number, dropout: number) {
    super();
    this.conv = new BasicConv2d(inC, 128, 1);
    this.fc1 = new Linear(2048, 1024);
    this.fc2 = new Linear(1024, numClasses);
    this.dropout = new Dropout({ p: dropout });
  }

  forward(x: Tensor): Tensor {
    x = flatten(this.conv.call(adaptiveAvgPool2d(x, [4, 4])), 1);
    return this.fc2.call(this.dropout.call(relu(this.fc1.call(x))));
  }
}

/** The training-mode output with auxiliary classifiers (torchvision's GoogLeNetOutputs). */
export interface GoogLeNetOutputs {
  logits: Tensor;
  auxLogits2: Tensor;
  auxLogits1: Tensor;
}

export interface GoogLeNetOptions extends ModelOptions {
  /** Build the two auxiliary classifiers (returned in training mode). Default true. */
  auxLogits?: boolean;
  /** Rescale ImageNet-normalised input to the [-1, 1] range the original weights expect. Default false. */
  transformInput?: boolean;
  /** torchvision's initialisation: truncated N(0, 0.01) weights. Default true. */
  initWeights?: boolean;
  /** Dropout before the final layer. Default 0.2. */
  dropout?: number;
  /** Dropout inside the auxiliary classifiers. Default 0.7. */
  dropoutAux?: number;
}

export class GoogLeNet extends Module implements HasLastLayer {
  readonly transformInput: boolean;
  conv1: BasicConv2d;
  maxpool1: MaxPool2d;
  conv2: BasicConv2d;
  conv3: BasicConv2d;
  maxpool2: MaxPool2d;
  inception3a: Inception;
  inception3b: Inception;
  maxpool3: MaxPool2d;
  inception4a: Inception;
  inception4b: Inception;
  inception4c: Inception;
  inception4d: Inception;
  inception4e: Inception;
  maxpool4: MaxPool2d;
  inception5a: Inception;
  inception5b: Inception;
  aux1: InceptionAux | null;
  aux2: InceptionAux | null;
  avgpool: AdaptiveAvgPool2d;
  dropout: Dropout;
  fc: Linear;

  constructor(opts: GoogLeNetOptions = {}) {
    super();
    const o = checkOptions('googlenet', opts, ['auxLogits', 'transformInput', 'initWeights', 'dropout', 'dropoutAux'], { numClasses: 1000, inChannels: 3 });
    const { auxLogits = true, transformInput = false, initWeights = true, dropout = 0.2, dropoutAux = 0.7 } = o;
    probability('googlenet', 'dropout', dropout);
    probability('googlenet', 'dropoutAux', dropoutAux);
    if (transformInput && o.inChannels !== 3) throw new RangeError(`googlenet: transformInput rescales 3 RGB channels, got inChannels ${o.inChannels}`);
    this.transformInput = transformInput;
    const pool = (k: number): MaxPool2d => new MaxPool2d(k, { stride: 2, ceilMode: true });
    this.conv1 = new BasicConv2d(o.inChannels, 64, 7, { stride: 2, padding: 3 });
    this.maxpool1 = pool(3);
    this.conv2 = new BasicConv2d(64, 64, 1);
    this.conv3 = new BasicConv2d(64, 192, 3, { padding: 1 });
    this.maxpool2 = pool(3);
    this.inception3a = new Inception(192, 64, 96, 128, 16, 32, 32);
    this.inception3b = new Inception(256, 128, 128, 192, 32, 96, 64);
    this.maxpool3 = pool(3);
    this.inception4a = new Inception(480, 192, 96, 208, 16, 48, 64);
    this.inception4b = new Inception(512, 160, 112, 224, 24, 64, 64);
    this.inception4c = new Inception(512, 128, 128, 256, 24, 64, 64);
    this.inception4d = new Inception(512, 112, 144, 288, 32, 64, 64);
    this.inception4e = new Inception(528, 256, 160, 320, 32, 128, 128);
    this.maxpool4 = pool(2);
    this.inception5a = new Inception(832, 256, 160, 320, 32, 128, 128);
    this.inception5b = new Inception(832, 384, 192, 384, 48, 128, 128);
    this.aux1 = auxLogits ? new InceptionAux(512, o.numClasses, dropoutAux) : null;
    this.aux2 = auxLogits ? new InceptionAux(528, o.numClasses, dropoutAux) : null;
    this.avgpool = new AdaptiveAvgPool2d([1, 1]);
    this.dropout = new Dropout({ p: dropout });
    this.fc = new Linear(1024, o.numClasses);
    if (initWeights) this.initWeights();
  }

  private initWeights(): void {
    for (const m of this.modules()) {
      if (m instanceof Conv2d || m instanceof Linear) truncNormal_(m.weight, { mean: 0, std: 0.01, a: -2, b: 2 });
      else if (m instanceof BatchNorm2d) {
        constant_(m.weight!, 1);
        constant_(m.bias!, 0);
      }
    }
  }

  /** Logits in eval mode (or without auxiliary classifiers); in training mode, also the auxiliary logits. */
  forward(x: Tensor): Tensor | GoogLeNetOutputs {
    if (this.transformInput) x = transformInput(x);
    x = this.maxpool1.call(this.conv1.call(x));
    x = this.maxpool2.call(this.conv3.call(this.conv2.call(x)));
    x = this.maxpool3.call(this.inception3b.call(this.inception3a.call(x)));
    x = this.inception4a.call(x);
    const withAux = this.training && this.aux1 !== null && this.aux2 !== null;
    const aux1 = withAux ? this.aux1!.call(x) : null;
    x = this.inception4d.call(this.inception4c.call(this.inception4b.call(x)));
    const aux2 = withAux ? this.aux2!.call(x) : null;
    x = this.maxpool4.call(this.inception4e.call(x));
    x = this.inception5b.call(this.inception5a.call(x));
    const logits = this.fc.call(this.dropout.call(flatten(this.avgpool.call(x), 1)));
    return aux1 && aux2 ? { logits, auxLogits2: aux2, auxLogits1: aux1 } : logits;
  }

  get lastLayer(): Linear {
    return this.fc;
  }

  set lastLayer(layer: Linear) {
    this.fc = layer;
  }
}

export const googlenet = (opts: GoogLeNetOptions = {}): GoogLeNet => new GoogLeNet(opts);

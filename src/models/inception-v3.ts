/**
 * Inception v3 (Szegedy et al. 2015) as torchvision builds it, with the same module tree and keys
 * (Conv2d_1a_3x3, Mixed_5b, ..., AuxLogits). Expects 299x299 inputs (at least 75x75). The auxiliary
 * classifier after Mixed_6e runs only in training mode.
 */
import type { Tensor } from '../core/tensor.js';
import { cat, flatten } from '../ops/index.js';
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Dropout, Linear, MaxPool2d, Module } from '../nn/index.js';
import { adaptiveAvgPool2d, avgPool2d, maxPool2d } from '../nn/functional.js';
import { constant_, truncNormal_ } from '../nn/init.js';
import { BasicConv2d, transformInput } from './layers.js';
import { checkOptions, probability, type HasLastLayer, type ModelOptions } from './options.js';

const poolBranch = (x: Tensor): Tensor => avgPool2d(x, 3, { stride: 1, padding: 1 });

/** 35x35 grid: 1x1, 5x5, double 3x3 and pooled branches. */
export class InceptionA extends Module {
  branch1x1: BasicConv2d;
  branch5x5_1: BasicConv2d;
  branch5x5_2: BasicConv2d;
  branch3x3dbl_1: BasicConv2d;
  branch3x3dbl_2: BasicConv2d;
  branch3x3dbl_3: BasicConv2d;
  branch_pool: BasicConv2d;

  constructor(inC: number, poolFeatures: number) {
    super();
    this.branch1x1 = new BasicConv2d(inC, 64, 1);
    this.branch5x5_1 = new BasicConv2d(inC, 48, 1);
    this.branch5x5_2 = new BasicConv2d(48, 64, 5, { padding: 2 });
    this.branch3x3dbl_1 = new BasicConv2d(inC, 64, 1);
    this.branch3x3dbl_2 = new BasicConv2d(64, 96, 3, { padding: 1 });
    this.branch3x3dbl_3 = new BasicConv2d(96, 96, 3, { padding: 1 });
    this.branch_pool = new BasicConv2d(inC, poolFeatures, 1);
  }

  forward(x: Tensor): Tensor {
    return cat([
      this.branch1x1.call(x),
      this.branch5x5_2.call(this.branch5x5_1.call(x)),
      this.branch3x3dbl_3.call(this.branch3x3dbl_2.call(this.branch3x3dbl_1.call(x))),
      this.branch_pool.call(poolBranch(x)),
    ], 1);
  }
}

/** Grid reduction 35 -> 17. */
export class InceptionB extends Module {
  branch3x3: BasicConv2d;
  branch3x3dbl_1: BasicConv2d;
  branch3x3dbl_2: BasicConv2d;
  branch3x3dbl_3: BasicConv2d;

  constructor(inC: number) {
    super();
    this.branch3x3 = new BasicConv2d(inC, 384, 3, { stride: 2 });
    this.branch3x3dbl_1 = new BasicConv2d(inC, 64, 1);
    this.branch3x3dbl_2 = new BasicConv2d(64, 96, 3, { padding: 1 });
    this.branch3x3dbl_3 = new BasicConv2d(96, 96, 3, { stride: 2 });
  }

  forward(x: Tensor): Tensor {
    return cat([
      this.branch3x3.call(x),
      this.branch3x3dbl_3.call(this.branch3x3dbl_2.call(this.branch3x3dbl_1.call(x))),
      maxPool2d(x, 3, { stride: 2 }) as Tensor,
    ], 1);
  }
}

/** 17x17 grid with factorised 7x7 convolutions (1x7 then 7x1). */
export class InceptionC extends Module {
  branch1x1: BasicConv2d;
  branch7x7_1: BasicConv2d;
  branch7x7_2: BasicConv2d;
  branch7x7_3: BasicConv2d;
  branch7x7dbl_1: BasicConv2d;
  branch7x7dbl_2: BasicConv2d;
  branch7x7dbl_3: BasicConv2d;
  branch7x7dbl_4: BasicConv2d;
  branch7x7dbl_5: BasicConv2d;
  branch_pool: BasicConv2d;

  constructor(inC: number, c7: number) {
    super();
    const row = { padding: [0, 3] as [number, number] };
    const col = { padding: [3, 0] as [number, number] };
    this.branch1x1 = new BasicConv2d(inC, 192, 1);
    this.branch7x7_1 = new BasicConv2d(inC, c7, 1);
    this.branch7x7_2 = new BasicConv2d(c7, c7, [1, 7], row);
    this.branch7x7_3 = new BasicConv2d(c7, 192, [7, 1], col);
    this.branch7x7dbl_1 = new BasicConv2d(inC, c7, 1);
    this.branch7x7dbl_2 = new BasicConv2d(c7, c7, [7, 1], col);
    this.branch7x7dbl_3 = new BasicConv2d(c7, c7, [1, 7], row);
    this.branch7x7dbl_4 = new BasicConv2d(c7, c7, [7, 1], col);
    this.branch7x7dbl_5 = new BasicConv2d(c7, 192, [1, 7], row);
    this.branch_pool = new BasicConv2d(inC, 192, 1);
  }

  forward(x: Tensor): Tensor {
    let dbl = this.branch7x7dbl_1.call(x);
    for (const m of [this.branch7x7dbl_2, this.branch7x7dbl_3, this.branch7x7dbl_4, this.branch7x7dbl_5]) dbl = m.call(dbl);
    return cat([
      this.branch1x1.call(x),
      this.branch7x7_3.call(this.branch7x7_2.call(this.branch7x7_1.call(x))),
      dbl,
      this.branch_pool.call(poolBranch(x)),
    ], 1);
  }
}

/** Grid reduction 17 -> 8. */
export class InceptionD extends Module {
  branch3x3_1: BasicConv2d;
  branch3x3_2: BasicConv2d;
  branch7x7x3_1: BasicConv2d;
  branch7x7x3_2: BasicConv2d;
  branch7x7x3_3: BasicConv2d;
  branch7x7x3_4: BasicConv2d;

  constructor(inC: number) {
    super();
    this.branch3x3_1 = new BasicConv2d(inC, 192, 1);
    this.branch3x3_2 = new BasicConv2d(192, 320, 3, { stride: 2 });
    this.branch7x7x3_1 = new BasicConv2d(inC, 192, 1);
    this.branch7x7x3_2 = new BasicConv2d(192, 192, [1, 7], { padding: [0, 3] });
    this.branch7x7x3_3 = new BasicConv2d(192, 192, [7, 1], { padding: [3, 0] });
    this.branch7x7x3_4 = new BasicConv2d(192, 192, 3, { stride: 2 });
  }

  forward(x: Tensor): Tensor {
    let b = this.branch7x7x3_1.call(x);
    for (const m of [this.branch7x7x3_2, this.branch7x7x3_3, this.branch7x7x3_4]) b = m.call(b);
    return cat([this.branch3x3_2.call(this.branch3x3_1.call(x)), b, maxPool2d(x, 3, { stride: 2 }) as Tensor], 1);
  }
}

/** 8x8 grid with expanded filter banks (1x3 and 3x1 side by side). */
export class InceptionE extends Module {
  branch1x1: BasicConv2d;
  branch3x3_1: BasicConv2d;
  branch3x3_2a: BasicConv2d;
  branch3x3_2b: BasicConv2d;
  branch3x3dbl_1: BasicConv2d;
  branch3x3dbl_2: BasicConv2d;
  branch3x3dbl_3a: BasicConv2d;
  branch3x3dbl_3b: BasicConv2d;
  branch_pool: BasicConv2d;

  constructor(inC: number) {
    super();
    this.branch1x1 = new BasicConv2d(inC, 320, 1);
    this.branch3x3_1 = new BasicConv2d(inC, 384, 1);
    this.branch3x3_2a = new BasicConv2d(384, 384, [1, 3], { padding: [0, 1] });
    this.branch3x3_2b = new BasicConv2d(384, 384, [3, 1], { padding: [1, 0] });
    this.branch3x3dbl_1 = new BasicConv2d(inC, 448, 1);
    this.branch3x3dbl_2 = new BasicConv2d(448, 384, 3, { padding: 1 });
    this.branch3x3dbl_3a = new BasicConv2d(384, 384, [1, 3], { padding: [0, 1] });
    this.branch3x3dbl_3b = new BasicConv2d(384, 384, [3, 1], { padding: [1, 0] });
    this.branch_pool = new BasicConv2d(inC, 192, 1);
  }

  forward(x: Tensor): Tensor {
    const b3 = this.branch3x3_1.call(x);
    const dbl = this.branch3x3dbl_2.call(this.branch3x3dbl_1.call(x));
    return cat([
      this.branch1x1.call(x),
      cat([this.branch3x3_2a.call(b3), this.branch3x3_2b.call(b3)], 1),
      cat([this.branch3x3dbl_3a.call(dbl), this.branch3x3dbl_3b.call(dbl)], 1),
      this.branch_pool.call(poolBranch(x)),
    ], 1);
  }
}

export class InceptionAux extends Module {
  conv0: BasicConv2d;
  conv1: BasicConv2d;
  fc: Linear;

  constructor(inC: number, numClasses: number) {
    super();
    this.conv0 = new BasicConv2d(inC, 128, 1);
    this.conv1 = new BasicConv2d(128, 768, 5);
    this.fc = new Linear(768, numClasses);
  }

  forward(x: Tensor): Tensor {
    x = this.conv1.call(this.conv0.call(avgPool2d(x, 5, { stride: 3 })));
    return this.fc.call(flatten(adaptiveAvgPool2d(x, [1, 1]), 1));
  }
}

/** The training-mode output with the auxiliary classifier (torchvision's InceptionOutputs). */
export interface InceptionOutputs {
  logits: Tensor;
  auxLogits: Tensor;
}

export interface InceptionV3Options extends ModelOptions {
  /** Build the auxiliary classifier (returned in training mode). Default true. */
  auxLogits?: boolean;
  /** Rescale ImageNet-normalised input to the [-1, 1] range the original weights expect. Default false. */
  transformInput?: boolean;
  /** torchvision's initialisation: truncated N(0, 0.1) weights (0.001 for the auxiliary fc). Default true. */
  initWeights?: boolean;
  /** Dropout before the final layer. Default 0.5. */
  dropout?: number;
}

export class Inception3 extends Module implements HasLastLayer {
  readonly transformInput: boolean;
  Conv2d_1a_3x3: BasicConv2d;
  Conv2d_2a_3x3: BasicConv2d;
  Conv2d_2b_3x3: BasicConv2d;
  maxpool1: MaxPool2d;
  Conv2d_3b_1x1: BasicConv2d;
  Conv2d_4a_3x3: BasicConv2d;
  maxpool2: MaxPool2d;
  Mixed_5b: InceptionA;
  Mixed_5c: InceptionA;
  Mixed_5d: InceptionA;
  Mixed_6a: InceptionB;
  Mixed_6b: InceptionC;
  Mixed_6c: InceptionC;
  Mixed_6d: InceptionC;
  Mixed_6e: InceptionC;
  AuxLogits: InceptionAux | null;
  Mixed_7a: InceptionD;
  Mixed_7b: InceptionE;
  Mixed_7c: InceptionE;
  avgpool: AdaptiveAvgPool2d;
  dropout: Dropout;
  fc: Linear;

  constructor(opts: InceptionV3Options = {}) {
    super();
    const o = checkOptions('inceptionV3', opts, ['auxLogits', 'transformInput', 'initWeights', 'dropout'], { numClasses: 1000, inChannels: 3 });
    const { auxLogits = true, transformInput = false, initWeights = true, dropout = 0.5 } = o;
    probability('inceptionV3', 'dropout', dropout);
    if (transformInput && o.inChannels !== 3) throw new RangeError(`inceptionV3: transformInput rescales 3 RGB channels, got inChannels ${o.inChannels}`);
    this.transformInput = transformInput;
    this.Conv2d_1a_3x3 = new BasicConv2d(o.inChannels, 32, 3, { stride: 2 });
    this.Conv2d_2a_3x3 = new BasicConv2d(32, 32, 3);
    this.Conv2d_2b_3x3 = new BasicConv2d(32, 64, 3, { padding: 1 });
    this.maxpool1 = new MaxPool2d(3, { stride: 2 });
    this.Conv2d_3b_1x1 = new BasicConv2d(64, 80, 1);
    this.Conv2d_4a_3x3 = new BasicConv2d(80, 192, 3);
    this.maxpool2 = new MaxPool2d(3, { stride: 2 });
    this.Mixed_5b = new InceptionA(192, 32);
    this.Mixed_5c = new InceptionA(256, 64);
    this.Mixed_5d = new InceptionA(288, 64);
    this.Mixed_6a = new InceptionB(288);
    this.Mixed_6b = new InceptionC(768, 128);
    this.Mixed_6c = new InceptionC(768, 160);
    this.Mixed_6d = new InceptionC(768, 160);
    this.Mixed_6e = new InceptionC(768, 192);
    this.AuxLogits = auxLogits ? new InceptionAux(768, o.numClasses) : null;
    this.Mixed_7a = new InceptionD(768);
    this.Mixed_7b = new InceptionE(1280);
    this.Mixed_7c = new InceptionE(2048);
    this.avgpool = new AdaptiveAvgPool2d([1, 1]);
    this.dropout = new Dropout({ p: dropout });
    this.fc = new Linear(2048, o.numClasses);
    if (initWeights) this.initWeights();
  }

  private initWeights(): void {
    for (const m of this.modules()) {
      if (m instanceof Conv2d || m instanceof Linear) {
        const std = m === this.AuxLogits?.fc ? 0.001 : 0.1;
        truncNormal_(m.weight, { mean: 0, std, a: -2, b: 2 });
      } else if (m instanceof BatchNorm2d) {
        constant_(m.weight!, 1);
        constant_(m.bias!, 0);
      }
    }
  }

  /** Logits in eval mode (or without the auxiliary classifier); in training mode, also the auxiliary logits. */
  forward(x: Tensor): Tensor | InceptionOutputs {
    if (this.transformInput) x = transformInput(x);
    for (const m of [this.Conv2d_1a_3x3, this.Conv2d_2a_3x3, this.Conv2d_2b_3x3, this.maxpool1, this.Conv2d_3b_1x1, this.Conv2d_4a_3x3, this.maxpool2,
      this.Mixed_5b, this.Mixed_5c, this.Mixed_5d, this.Mixed_6a, this.Mixed_6b, this.Mixed_6c, this.Mixed_6d, this.Mixed_6e]) {
      x = m.call(x) as Tensor;
    }
    const aux = this.training && this.AuxLogits ? this.AuxLogits.call(x) : null;
    x = this.Mixed_7c.call(this.Mixed_7b.call(this.Mixed_7a.call(x)));
    const logits = this.fc.call(flatten(this.dropout.call(this.avgpool.call(x)), 1));
    return aux ? { logits, auxLogits: aux } : logits;
  }

  get lastLayer(): Linear {
    return this.fc;
  }

  set lastLayer(layer: Linear) {
    this.fc = layer;
  }
}

export const inceptionV3 = (opts: InceptionV3Options = {}): Inception3 => new Inception3(opts);

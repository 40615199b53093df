/**
 * ResNet (He et al. 2015) and ResNeXt (Xie et al. 2016) as torchvision builds them, with the same module tree
 * and state-dict keys. torchvision's bottleneck (v1.5) puts a downsampling block's stride on the 3x3
 * convolution; the paper put it on the first 1x1, which costs fewer mult-adds (3.86 instead of 4.09 x 10^9
 * for ResNet-50 at 224x224) with the same parameters: `resnet50({ strideOn: '1x1' })`.
 */
import type { Tensor } from '../core/tensor.js';
import { add, flatten } from '../ops/index.js';
import { AdaptiveAvgPool2d, BatchNorm2d, Conv2d, Linear, MaxPool2d, Module, ReLU, Sequential } from '../nn/index.js';
import { constant_, kaimingNormal_ } from '../nn/init.js';
import { checkOptions, oneOf, positiveInt, type HasLastLayer, type ModelOptions } from './options.js';

export type StrideOn = '3x3' | '1x1';

interface BlockConfig {
  stride: number;
  downsample: Sequential | null;
  groups: number;
  baseWidth: number;
  strideOn: StrideOn;
}

const conv3x3 = (inC: number, outC: number, stride = 1, groups = 1): Conv2d => new Conv2d(inC, outC, 3, { stride, padding: 1, groups, bias: false });
const conv1x1 = (inC: number, outC: number, stride = 1): Conv2d => new Conv2d(inC, outC, 1, { stride, bias: false });

/** Two 3x3 convolutions (ResNet-18/34). */
export class BasicBlock extends Module {
  static readonly expansion = 1;
  conv1: Conv2d;
  bn1: BatchNorm2d;
  relu = new ReLU({ inplace: true });
  conv2: Conv2d;
  bn2: BatchNorm2d;
  downsample: Sequential | null;

  constructor(inplanes: number, planes: number, { stride, downsample }: BlockConfig) {
    super();
    this.conv1 = conv3x3(inplanes, planes, stride);
    this.bn1 = new BatchNorm2d(planes);
    this.conv2 = conv3x3(planes, planes);
    this.bn2 = new BatchNorm2d(planes);
    this.downsample = downsample;
  }

  forward(x: Tensor): Tensor {
    let out = this.relu.call(this.bn1.call(this.conv1.call(x)));
    out = this.bn2.call(this.conv2.call(out));
    const identity = this.downsample ? this.downsample.call(x) : x;
    return this.relu.call(add(out, identity));
  }
}

/** 1x1 reduce, 3x3 (grouped for ResNeXt), 1x1 expand by 4 (ResNet-50 and deeper). */
export class Bottleneck extends Module {
  static readonly expansion = 4;
  conv1: Conv2d;
  bn1: BatchNorm2d;
  conv2: Conv2d;
  bn2: BatchNorm2d;
  conv3: Conv2d;
  bn3: BatchNorm2d;
  relu = new ReLU({ inplace: true });
  downsample: Sequential | null;

  constructor(inplanes: number, planes: number, { stride, downsample, groups, baseWidth, strideOn }: BlockConfig) {
    super();
    const width = Math.floor(planes * (baseWidth / 64)) * groups;
    this.conv1 = conv1x1(inplanes, width, strideOn === '1x1' ? stride : 1);
    this.bn1 = new BatchNorm2d(width);
    this.conv2 = conv3x3(width, width, strideOn === '3x3' ? stride : 1, groups);
    this.bn2 = new BatchNorm2d(width);
    this.conv3 = conv1x1(width, planes * Bottleneck.expansion);
    this.bn3 = new BatchNorm2d(planes * Bottleneck.expansion);
    this.downsample = downsample;
  }

  forward(x: Tensor): Tensor {
    let out = this.relu.call(this.bn1.call(this.conv1.call(x)));
    out = this.relu.call(this.bn2.call(this.conv2.call(out)));
    out = this.bn3.call(this.conv3.call(out));
    const identity = this.downsample ? this.downsample.call(x) : x;
    return this.relu.call(add(out, identity));
  }
}

export type Block = typeof BasicBlock | typeof Bottleneck;

export interface ResNetOptions extends ModelOptions {
  /** Where a bottleneck block's stride goes: torchvision's 3x3 (default) or the paper's first 1x1. */
  strideOn?: StrideOn;
  /** Zero the last BatchNorm of each block, so each residual branch starts as zero (Goyal et al. 2017). Default false. */
  zeroInitResidual?: boolean;
  /** Groups of the 3x3 convolutions (ResNeXt's cardinality). Default 1. */
  groups?: number;
  /** Channels per group of a bottleneck (64 is plain ResNet). Default 64. */
  widthPerGroup?: number;
}

export class ResNet extends Module implements HasLastLayer {
  conv1: Conv2d;
  bn1: BatchNorm2d;
  relu = new ReLU({ inplace: true });
  maxpool = new MaxPool2d(3, { stride: 2, padding: 1 });
  layer1: Sequential;
  layer2: Sequential;
  layer3: Sequential;
  layer4: Sequential;
  avgpool = new AdaptiveAvgPool2d([1, 1]);
  fc: Linear;

  /** `layers`: blocks per stage, e.g. [3, 4, 6, 3] for ResNet-50. */
  constructor(block: Block, layers: readonly [number, number, number, number], opts: ResNetOptions & { name?: string } = {}) {
    super();
    const { name = 'ResNet', ...rest } = opts;
    const o = checkOptions(name, rest, ['strideOn', 'zeroInitResidual', 'groups', 'widthPerGroup'], { numClasses: 1000, inChannels: 3 });
    const strideOn = oneOf(name, 'strideOn', o.strideOn ?? '3x3', ['3x3', '1x1']);
    const { groups = 1, widthPerGroup = 64 } = o;
    positiveInt(name, 'groups', groups);
    positiveInt(name, 'widthPerGroup', widthPerGroup);
    if (block === BasicBlock && (groups !== 1 || widthPerGroup !== 64)) throw new RangeError(`${name}: BasicBlock only supports groups=1 and widthPerGroup=64, got ${groups} and ${widthPerGroup}`);
    if (block === BasicBlock && o.strideOn !== undefined) throw new RangeError(`${name}: strideOn applies to bottleneck blocks (resnet50 and deeper); a BasicBlock has no 1x1 convolution`);
    layers.forEach((n, i) => positiveInt(name, `layers[${i}]`, n));

    this.conv1 = new Conv2d(o.inChannels, 64, 7, { stride: 2, padding: 3, bias: false });
    this.bn1 = new BatchNorm2d(64);
    let inplanes = 64;
    const stage = (planes: number, blocks: number, stride: number): Sequential => {
      const outC = planes * block.expansion;
      const downsample = stride !== 1 || inplanes !== outC ? new Sequential(conv1x1(inplanes, outC, stride), new BatchNorm2d(outC)) : null;
      const config = { groups, baseWidth: widthPerGroup, strideOn };
      const list = [new block(inplanes, planes, { ...config, stride, downsample })];
      inplanes = outC;
      for (let i = 1; i < blocks; i++) list.push(new block(inplanes, planes, { ...config, stride: 1, downsample: null }));
      return new Sequential(...list);
    };
    this.layer1 = stage(64, layers[0], 1);
    this.layer2 = stage(128, layers[1], 2);
    this.layer3 = stage(256, layers[2], 2);
    this.layer4 = stage(512, layers[3], 2);
    this.fc = new Linear(512 * block.expansion, o.numClasses);
    this.initWeights(o.zeroInitResidual ?? false);
  }

  /** torchvision's: He-normal (fan_out) convolutions, BatchNorm scale 1 and shift 0. */
  private initWeights(zeroInitResidual: boolean): void {
    for (const m of this.modules()) {
      if (m instanceof Conv2d) kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
      else if (m instanceof BatchNorm2d) {
        constant_(m.weight!, 1);
        constant_(m.bias!, 0);
      }
    }
    if (!zeroInitResidual) return;
    for (const m of this.modules()) {
      if (m instanceof Bottleneck) constant_(m.bn3.weight!, 0);
      else if (m instanceof BasicBlock) constant_(m.bn2.weight!, 0);
    }
  }

  forward(x: Tensor): Tensor {
    x = this.maxpool.call(this.relu.call(this.bn1.call(this.conv1.call(x))));
    x = this.layer4.call(this.layer3.call(this.layer2.call(this.layer1.call(x))));
    return this.fc.call(flatten(this.avgpool.call(x), 1));
  }

  get lastLayer(): Linear {
    return this.fc;
  }

  set lastLayer(layer: Linear) {
    this.fc = layer;
  }
}

type BasicOptions = Omit<ResNetOptions, 'strideOn' | 'groups' | 'widthPerGroup'>;
export const resnet18 = (opts: BasicOptions = {}): ResNet => new ResNet(BasicBlock, [2, 2, 2, 2], { ...opts, name: 'resnet18' });
export const resnet34 = (opts: BasicOptions = {}): ResNet => new ResNet(BasicBlock, [3, 4, 6, 3], { ...opts, name: 'resnet34' });
export const resnet50 = (opts: ResNetOptions = {}): ResNet => new ResNet(Bottleneck, [3, 4, 6, 3], { ...opts, name: 'resnet50' });
export const resnet101 = (opts: ResNetOptions = {}): ResNet => new ResNet(Bottleneck, [3, 4, 23, 3], { ...opts, name: 'resnet101' });
export const resnet152 = (opts: ResNetOptions = {}): ResNet => new ResNet(Bottleneck, [3, 8, 36, 3], { ...opts, name: 'resnet152' });
/** ResNeXt-50 with 32 groups of 4 channels in its first stage. */
export const resnext50_32x4d = (opts: Omit<ResNetOptions, 'groups' | 'widthPerGroup'> = {}): ResNet =>
  new ResNet(Bottleneck, [3, 4, 6, 3], { ...opts, groups: 32, widthPerGroup: 4, name: 'resnext50_32x4d' });

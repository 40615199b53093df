/** Building blocks shared by several models of the zoo. */
import type { Tensor } from '../core/tensor.js';
import { cat, mul, add, relu, select, unsqueeze } from '../ops/index.js';
import { BatchNorm2d, Conv2d, Module, type ConvLayerOptions } from '../nn/index.js';

type Conv2dOptions = ConvLayerOptions;

/** torchvision's BasicConv2d (GoogLeNet, Inception v3): convolution without bias, BatchNorm (eps 1e-3), ReLU. */
export class BasicConv2d extends Module {
  conv: Conv2d;
  bn: BatchNorm2d;

  constructor(inChannels: number, outChannels: number, kernelSize: number | [number, number], opts: Conv2dOptions = {}) {
    super();
    this.conv = new Conv2d(inChannels, outChannels, kernelSize, { ...opts, bias: false });
    this.bn = new BatchNorm2d(outChannels, { eps: 0.001 });
  }

  forward(x: Tensor): Tensor {
    return relu(this.bn.call(this.conv.call(x)));
  }
}

/**
 * torchvision's transform_input for GoogLeNet and Inception v3 with ImageNet weights: their original (Google)
 * weights expect inputs scaled to [-1, 1], while torchvision normalises with ImageNet's mean and std; this
 * maps one onto the other, channel by channel.
 */
export function transformInput(x: Tensor): Tensor {
  const mean = [0.485, 0.456, 0.406];
  const std = [0.229, 0.224, 0.225];
  const channels = mean.map((m, c) => add(mul(unsqueeze(select(x, 1, c), 1), std[c] / 0.5), (m - 0.5) / 0.5));
  return cat(channels, 1);
}

/**
 * ck.fuse(model): explicit fusion, below the models. Each ResNet block's last BatchNorm, the shortcut addition
 * and the ReLU run as one channelAffine pass (and every BatchNorm + ReLU pair too), with the same values as the
 * modules in turn (channelAffine rounds each step as the separate ops do) and, in training, the same gradients.
 * In a Sequential, a convolution or Linear followed by a ReLU runs as one kernel with the bias and the ReLU in its
 * epilogue, on backends that have one (`convActivation`, `linearActivation`: webgpu); elsewhere, and while an
 * exporter traces, the modules run in turn. The model's
 * classes stay torchvision's; fuse only gives matching blocks an instance-level forward, and a BatchNorm or ReLU
 * with forward hooks is run as written, so its hooks still fire.
 */
import type { Tensor } from '../core/tensor.js';
import { BatchNorm2d, Conv1d, Conv2d, Conv3d, Linear, Module, ReLU, Sequential } from '../nn/index.js';
import { kernels } from '../ops/dispatch.js';
import { convRelu } from '../ops/conv/conv.js';
import { linearRelu } from '../ops/linear.js';
import { isTracing } from '../ops/trace.js';
import { BasicBlock, Bottleneck, ResNet } from './resnet.js';

/** A module of exactly this class that nobody observes: no forward hooks, no forward replaced on the instance. */
const plain = (m: Module, type: abstract new (...args: never) => Module): boolean =>
  m.constructor === type && !Object.hasOwn(m, 'forward') && !m.hasForwardHooks();

/** relu(bn(x) + residual) as one pass, when the block holds a plain BatchNorm2d and ReLU; else the modules in turn. */
function bnRelu(bn: Module, relu: Module, x: Tensor, residual: Tensor | null = null): Tensor {
  if (plain(bn, BatchNorm2d) && plain(relu, ReLU)) return (bn as BatchNorm2d).forwardThen(x, { residual, relu: true });
  const y = bn.call(x) as Tensor;
  return relu.call(residual ? y.add(residual) : y) as Tensor;
}

const CONVS = [Conv1d, Conv2d, Conv3d] as const;

/** relu(layer(x)) as one kernel when `layer` is a plain zero-padded convolution or a Linear on 2-D input and the backend fuses it; else null. */
function layerRelu(layer: Module, relu: Module | undefined, x: Tensor): Tensor | null {
  if (!relu || !plain(relu, ReLU) || isTracing()) return null;
  const nd = CONVS.findIndex((type) => plain(layer, type)) + 1;
  if (nd > 0) {
    const c = layer as Conv2d;
    if (c.paddingMode !== 'zeros' || !kernels('conv', x).convActivation) return null;
    return convRelu(nd as 1 | 2 | 3, x, c.weight, c.bias, { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups });
  }
  if (!plain(layer, Linear) || x.ndim !== 2 || !kernels('linear', x).linearActivation || x.dtype !== 'float32') return null;
  const l = layer as Linear;
  return linearRelu(x, l.weight, l.bias);
}

const FUSED: [abstract new (...args: never) => Module, (m: never, x: Tensor) => Tensor][] = [
  [BasicBlock, (b: BasicBlock, x: Tensor) => {
    const out = bnRelu(b.bn1, b.relu, b.conv1.call(x));
    return bnRelu(b.bn2, b.relu, b.conv2.call(out), b.downsample ? (b.downsample.call(x) as Tensor) : x);
  }],
  [Bottleneck, (b: Bottleneck, x: Tensor) => {
    let out = bnRelu(b.bn1, b.relu, b.conv1.call(x));
    out = bnRelu(b.bn2, b.relu, b.conv2.call(out));
    return bnRelu(b.bn3, b.relu, b.conv3.call(out), b.downsample ? (b.downsample.call(x) as Tensor) : x);
  }],
  [Sequential, (s: Sequential, x: Tensor) => {
    const layers = [...s] as Module[];
    let out = x;
    for (let i = 0; i < layers.length; i++) {
      const fused = layerRelu(layers[i], layers[i + 1], out);
      if (fused) i++;
      out = fused ?? (layers[i].call(out) as Tensor);
    }
    return out;
  }],
  [ResNet, (r: ResNet, x: Tensor) => {
    let y = r.maxpool.call(bnRelu(r.bn1, r.relu, r.conv1.call(x))) as Tensor;
    y = [r.layer1, r.layer2, r.layer3, r.layer4].reduce((t, layer) => layer.call(t) as Tensor, y);
    return r.fc.call((r.avgpool.call(y) as Tensor).flatten(1)) as Tensor;
  }],
];

/** Fuses BatchNorm + (add) + ReLU in ResNet blocks and layer + ReLU in Sequentials, in place; returns the model. Same outputs. */
export function fuse<M extends Module>(model: M): M {
  if (!(model instanceof Module)) throw new TypeError(`fuse: expected an nn.Module, got ${typeof model}`);
  for (const m of model.modules()) {
    const match = FUSED.find(([type]) => m.constructor === type);
    if (match) Object.defineProperty(m, 'forward', { value: (x: Tensor) => match[1](m as never, x), writable: true, configurable: true });
  }
  return model;
}

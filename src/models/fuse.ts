/**
 * ck.fuse(model): explicit fusion, below the models. Each ResNet block's last BatchNorm, the shortcut addition
 * and the ReLU run as one channelAffine pass (and every BatchNorm + ReLU pair too), with the same values as the
 * modules in turn (channelAffine rounds each step as the separate ops do) and, in training, the same gradients.
 * In eval mode, on backends with `convChannelAffine` (native), the convolution before each BatchNorm takes that
 * pass into its own epilogue: conv + BatchNorm + add + ReLU as one kernel (a Sequential's conv + BatchNorm + ReLU too).
 * In a Sequential, a convolution or Linear followed by a ReLU runs as one kernel with the bias and the ReLU in its
 * epilogue, on backends that have one (`convActivation`, `linearActivation`: webgpu); elsewhere, and while an
 * exporter traces, the modules run in turn. The model's
 * classes stay torchvision's; fuse only gives matching blocks an instance-level forward, and a BatchNorm or ReLU
 * with forward hooks is run as written, so its hooks still fire.
 */
import type { Tensor } from '../core/tensor.js';
import { BatchNorm2d, Conv1d, Conv2d, Conv3d, Linear, Module, ReLU, Sequential } from '../nn/index.js';
import { kernels } from '../ops/dispatch.js';
import { convChannelAffine, convRelu } from '../ops/conv/conv.js';
import { batchNormInferenceAffine } from '../nn/batchnorm.js';
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

/**
 * relu?(bn(conv(x)) + residual) as one convolution with BatchNorm's affine, the shortcut and the ReLU in its epilogue,
 * when conv is a plain zero-padded Conv2d, bn a plain BatchNorm2d in eval mode with running statistics, relu (if any)
 * a plain ReLU, and the backend has the fused kernel (native); else the modules in turn, as bnRelu runs them.
 */
function convBn(conv: Module, bn: Module, relu: Module | null, x: Tensor, residual: Tensor | null = null): Tensor {
  const b = bn as BatchNorm2d;
  const c = conv as Conv2d;
  const fusable = plain(conv, Conv2d) && c.paddingMode === 'zeros' && plain(bn, BatchNorm2d) && !b.training && b.trackRunningStats &&
    (relu === null || plain(relu, ReLU)) && !isTracing() && kernels('conv', x).convChannelAffine !== undefined;
  if (!fusable) {
    const y = conv.call(x) as Tensor;
    if (relu) return bnRelu(bn, relu, y, residual);
    const z = bn.call(y) as Tensor;
    return residual ? z.add(residual) : z;
  }
  const { scale, shift } = batchNormInferenceAffine(b.runningMean!, b.runningVar!, b.weight, b.bias, b.eps);
  const opts = { stride: c.stride, padding: c.padding, dilation: c.dilation, groups: c.groups };
  return convChannelAffine(2, x, c.weight, c.bias, opts, { scale, shift, residual, relu: relu !== null });
}

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
    const out = convBn(b.conv1, b.bn1, b.relu, x);
    return convBn(b.conv2, b.bn2, b.relu, out, b.downsample ? (b.downsample.call(x) as Tensor) : x);
  }],
  [Bottleneck, (b: Bottleneck, x: Tensor) => {
    let out = convBn(b.conv1, b.bn1, b.relu, x);
    out = convBn(b.conv2, b.bn2, b.relu, out);
    return convBn(b.conv3, b.bn3, b.relu, out, b.downsample ? (b.downsample.call(x) as Tensor) : x);
  }],
  [Sequential, (s: Sequential, x: Tensor) => {
    const layers = [...s] as Module[];
    let out = x;
    for (let i = 0; i < layers.length; i++) {
      if (layers[i] instanceof Conv2d && layers[i + 1] instanceof BatchNorm2d) {
        // conv, BatchNorm (a ResNet shortcut) and a ReLU after them if there is one
        const relu = layers[i + 2] instanceof ReLU ? layers[i + 2] : null;
        out = convBn(layers[i], layers[i + 1], relu, out);
        i += relu ? 2 : 1;
        continue;
      }
      const fused = layerRelu(layers[i], layers[i + 1], out);
      if (fused) i++;
      out = fused ?? (layers[i].call(out) as Tensor);
    }
    return out;
  }],
  [ResNet, (r: ResNet, x: Tensor) => {
    let y = r.maxpool.call(convBn(r.conv1, r.bn1, r.relu, x)) as Tensor;
    y = [r.layer1, r.layer2, r.layer3, r.layer4].reduce((t, layer) => layer.call(t) as Tensor, y);
    return r.fc.call((r.avgpool.call(y) as Tensor).flatten(1)) as Tensor;
  }],
];

/** Fuses (conv +) BatchNorm + (add) + ReLU in ResNet blocks and layer + ReLU in Sequentials, in place; returns the model. Same outputs. */
export function fuse<M extends Module>(model: M): M {
  if (!(model instanceof Module)) throw new TypeError(`fuse: expected an nn.Module, got ${typeof model}`);
  for (const m of model.modules()) {
    const match = FUSED.find(([type]) => m.constructor === type);
    if (match) Object.defineProperty(m, 'forward', { value: (x: Tensor) => match[1](m as never, x), writable: true, configurable: true });
  }
  return model;
}

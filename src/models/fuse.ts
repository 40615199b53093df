/**
 * ck.fuse(model): explicit fusion, below the models. Each ResNet block's last BatchNorm, the shortcut addition
 * and the ReLU run as one channelAffine pass (and every BatchNorm + ReLU pair too), with the same values as the
 * modules in turn (channelAffine rounds each step as the separate ops do) and, in training, the same gradients. The model's
 * classes stay torchvision's; fuse only gives matching blocks an instance-level forward, and a BatchNorm or ReLU
 * with forward hooks is run as written, so its hooks still fire.
 */
import type { Tensor } from '../core/tensor.js';
import { BatchNorm2d, Module, ReLU } from '../nn/index.js';
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
  [ResNet, (r: ResNet, x: Tensor) => {
    let y = r.maxpool.call(bnRelu(r.bn1, r.relu, r.conv1.call(x))) as Tensor;
    y = [r.layer1, r.layer2, r.layer3, r.layer4].reduce((t, layer) => layer.call(t) as Tensor, y);
    return r.fc.call((r.avgpool.call(y) as Tensor).flatten(1)) as Tensor;
  }],
];

/** Fuses BatchNorm + (add) + ReLU in the model's ResNet blocks, in place; returns the model. Same outputs. */
export function fuse<M extends Module>(model: M): M {
  if (!(model instanceof Module)) throw new TypeError(`fuse: expected an nn.Module, got ${typeof model}`);
  for (const m of model.modules()) {
    const match = FUSED.find(([type]) => m.constructor === type);
    if (match) Object.defineProperty(m, 'forward', { value: (x: Tensor) => match[1](m as never, x), writable: true, configurable: true });
  }
  return model;
}

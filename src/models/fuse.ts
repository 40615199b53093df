/**
 * ck.fuse(model): explicit fusion for inference, below the models. Each ResNet block's last BatchNorm, the
 * shortcut addition and the ReLU run as one channelAffine pass (and every BatchNorm + ReLU pair too), with the
 * same values as the modules in turn: channelAffine rounds each step as the separate ops do. The model's
 * classes stay torchvision's; fuse only gives matching blocks an instance-level forward. Forward hooks on the
 * fused BatchNorm and ReLU modules no longer fire, so fuse after inspecting, not before.
 */
import type { Tensor } from '../core/tensor.js';
import { BatchNorm2d, Module, ReLU } from '../nn/index.js';
import { BasicBlock, Bottleneck, ResNet } from './resnet.js';

/** relu(bn(x) + residual) as one pass, when the block still holds a plain BatchNorm2d and ReLU. */
function bnRelu(bn: Module, relu: Module, x: Tensor, residual: Tensor | null = null): Tensor {
  if (bn.constructor === BatchNorm2d && relu.constructor === ReLU) return (bn as BatchNorm2d).forwardThen(x, { residual, relu: true });
  const y = bn.forward(x) as Tensor;
  return relu.forward(residual ? y.add(residual) : y) as Tensor;
}

const FUSED: [abstract new (...args: never[]) => Module, (m: never, x: Tensor) => Tensor][] = [
  [BasicBlock, (b: BasicBlock, x: Tensor) => {
    const out = bnRelu(b.bn1, b.relu, b.conv1.forward(x));
    return bnRelu(b.bn2, b.relu, b.conv2.forward(out), b.downsample ? (b.downsample.forward(x) as Tensor) : x);
  }],
  [Bottleneck, (b: Bottleneck, x: Tensor) => {
    let out = bnRelu(b.bn1, b.relu, b.conv1.forward(x));
    out = bnRelu(b.bn2, b.relu, b.conv2.forward(out));
    return bnRelu(b.bn3, b.relu, b.conv3.forward(out), b.downsample ? (b.downsample.forward(x) as Tensor) : x);
  }],
  [ResNet, (r: ResNet, x: Tensor) => {
    let y = r.maxpool.forward(bnRelu(r.bn1, r.relu, r.conv1.forward(x))) as Tensor;
    y = [r.layer1, r.layer2, r.layer3, r.layer4].reduce((t, layer) => layer.forward(t) as Tensor, y);
    return r.fc.forward((r.avgpool.forward(y) as Tensor).flatten(1)) as Tensor;
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

/**
 * ResNet-18 and LeNet-5 written with convkit's functional ops, layer for layer as torchvision's resnet18 and the
 * LeNet-5 the other frameworks run, for checkouts where `ck.models` has not landed yet (the benchmark prefers
 * ck.models when it exists). Weights are random, as in every framework's cell.
 */
import * as ck from '../../src/index.js';
import * as F from '../../src/nn/functional.js';

export interface BenchModel {
  forward(x: ck.Tensor): ck.Tensor;
  eval(): BenchModel;
  parameters(): Iterable<ck.Tensor>;
}

/** Uniform weights in ±1/√fanIn, the scale of PyTorch's default init (the values do not change the timing). */
function param(shape: number[], fanIn: number): ck.Tensor {
  const bound = 1 / Math.sqrt(fanIn);
  return ck.sub(ck.mul(ck.rand(shape), 2 * bound), bound).detach().requiresGrad_(true);
}

class Builder {
  readonly params: ck.Tensor[] = [];
  training = true;

  weight(shape: number[], fanIn: number): ck.Tensor {
    const p = param(shape, fanIn);
    this.params.push(p);
    return p;
  }

  conv(cin: number, cout: number, k: number, stride: number, padding: number): (x: ck.Tensor) => ck.Tensor {
    const w = this.weight([cout, cin, k, k], cin * k * k);
    return (x) => F.conv2d(x, w, null, { stride, padding });
  }

  bn(c: number): (x: ck.Tensor) => ck.Tensor {
    const weight = ck.ones([c]).requiresGrad_(true);
    const bias = ck.zeros([c]).requiresGrad_(true);
    this.params.push(weight, bias);
    const mean = ck.zeros([c]);
    const variance = ck.ones([c]);
    return (x) => F.batchNorm(x, mean, variance, weight, bias, { training: this.training });
  }

  model(forward: (x: ck.Tensor) => ck.Tensor): BenchModel {
    const model: BenchModel = {
      forward,
      eval: () => {
        this.training = false;
        return model;
      },
      parameters: () => this.params,
    };
    return model;
  }
}

export function resnet18(opts: { numClasses?: number } = {}): BenchModel {
  const b = new Builder();
  const convBn = (cin: number, cout: number, k: number, stride: number): ((x: ck.Tensor) => ck.Tensor) => {
    const conv = b.conv(cin, cout, k, stride, Math.floor(k / 2));
    const bn = b.bn(cout);
    return (x) => bn(conv(x));
  };
  const stem = convBn(3, 64, 7, 2);
  const blocks: ((x: ck.Tensor) => ck.Tensor)[] = [];
  let cin = 64;
  for (const [cout, stride] of [[64, 1], [128, 2], [256, 2], [512, 2]]) {
    for (let i = 0; i < 2; i++) {
      const s = i === 0 ? stride : 1;
      const c1 = convBn(cin, cout, 3, s);
      const c2 = convBn(cout, cout, 3, 1);
      const down = s !== 1 || cin !== cout ? convBn(cin, cout, 1, s) : (x: ck.Tensor) => x;
      blocks.push((x) => ck.relu(ck.add(c2(ck.relu(c1(x))), down(x))));
      cin = cout;
    }
  }
  const fc = b.weight([opts.numClasses ?? 1000, 512], 512);
  const fcBias = b.weight([opts.numClasses ?? 1000], 512);
  return b.model((x) => {
    let h = F.maxPool2d(ck.relu(stem(x)), 3, { stride: 2, padding: 1 });
    for (const block of blocks) h = block(h);
    return F.linear(ck.flatten(F.adaptiveAvgPool2d(h, 1), 1), fc, fcBias);
  });
}

/** LeNet-5 with ReLU and max pooling on 32×32 inputs: 6 and 16 5×5 maps, then 120, 84 and 10 units. */
export function lenet5(_opts: { activation?: string; pool?: string } = {}): BenchModel {
  const b = new Builder();
  const conv = (cin: number, cout: number): ((x: ck.Tensor) => ck.Tensor) => {
    const w = b.weight([cout, cin, 5, 5], cin * 25);
    const bias = b.weight([cout], cin * 25);
    return (x) => F.conv2d(x, w, bias);
  };
  const fc = (fin: number, fout: number): ((x: ck.Tensor) => ck.Tensor) => {
    const w = b.weight([fout, fin], fin);
    const bias = b.weight([fout], fin);
    return (x) => F.linear(x, w, bias);
  };
  const [c1, c2, c3, f1, f2] = [conv(1, 6), conv(6, 16), conv(16, 120), fc(120, 84), fc(84, 10)];
  return b.model((x) => {
    let h = F.maxPool2d(ck.relu(c1(x)), 2);
    h = F.maxPool2d(ck.relu(c2(h)), 2);
    return f2(ck.relu(f1(ck.flatten(ck.relu(c3(h)), 1))));
  });
}

// A PyTorch user's CNN course code, transcribed line by line into plain JavaScript (no TypeScript, no types):
// tools/gen_transcription_fixture.py is the Python it comes from, and test/fixtures/transcription.json holds the
// numbers PyTorch 1.13 gives for it. Each block below mirrors the block of the same name there.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as ck from '../../src/node.ts';

const torch = ck;
const { nn, optim } = ck;
const F = nn.functional;
const T = ck.data.transforms;
const { DataLoader, TensorDataset } = ck.data;
const expected = JSON.parse(readFileSync(new URL('../fixtures/transcription.json', import.meta.url), 'utf8'));

/** float32 tolerance: the same computation in another order (summation, kernels) differs in the last bits. */
function close(actual, want, tol = 1e-4, what = '') {
  const a = Array.isArray(actual) ? actual : [actual];
  const w = Array.isArray(want) ? want : [want];
  assert.equal(a.length, w.length, `${what}: ${a.length} values, PyTorch has ${w.length}`);
  a.forEach((v, i) => assert.ok(Math.abs(v - w[i]) <= tol * Math.max(1, Math.abs(w[i])), `${what}[${i}]: ${v}, PyTorch ${w[i]}`));
}
const values = (t) => Array.from(t.detach().reshape(-1).dataSync());

// ((k * 7919 + salt) % 1000) / 1000 - 0.5, times scale: the same float32 values as the Python side
function pattern(shape, salt, scale) {
  const n = shape.reduce((a, b) => a * b, 1);
  return torch.arange(n).mul(7919).add(salt).remainder(1000).div(1000).sub(0.5).reshape(shape).float().mul(scale);
}

function fill_(model) {
  torch.noGrad(() => {
    model.parameters().forEach((p, i) => p.copy_(pattern(p.shape, 13 * i, 0.2)));
  });
}

test('the lecture\'s CNN (LeNet-5) trains for four SGD steps with PyTorch\'s losses', () => {
  class LeNet5 extends nn.Module {
    constructor() {
      super();
      this.conv1 = new nn.Conv2d(1, 6, 5, { padding: 2 });
      this.pool = new nn.MaxPool2d(2, 2);
      this.conv2 = new nn.Conv2d(6, 16, 5);
      this.fc1 = new nn.Linear(16 * 5 * 5, 120);
      this.fc2 = new nn.Linear(120, 84);
      this.fc3 = new nn.Linear(84, 10);
    }

    forward(x) {
      x = this.pool.call(F.relu(this.conv1.call(x)));
      x = this.pool.call(F.relu(this.conv2.call(x)));
      x = torch.flatten(x, 1);
      x = F.relu(this.fc1.call(x));
      x = F.relu(this.fc2.call(x));
      return this.fc3.call(x);
    }
  }

  const model = new LeNet5();
  fill_(model);
  const x = pattern([8, 1, 28, 28], 7, 2.0);
  const y = torch.arange(8).remainder(10);
  const optimizer = new optim.SGD(model.parameters(), 0.01, 0.9);
  const criterion = new nn.CrossEntropyLoss();
  const losses = [];
  for (let step = 0; step < 4; step++) {
    optimizer.zeroGrad();
    const loss = criterion.call(model.call(x), y);
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
  }
  close(losses, expected.lenet.losses, 1e-5, 'losses');
  close(values(model.call(x).narrow(0, 0, 2)), expected.lenet.logits, 1e-4, 'logits');

  // forward hooks collecting feature maps
  const features = {};
  function saveOutput(name) {
    return (module, inputs, output) => {
      features[name] = output.detach();
    };
  }
  const handles = [model.conv1.registerForwardHook(saveOutput('conv1')), model.conv2.registerForwardHook(saveOutput('conv2'))];
  model.call(x.narrow(0, 0, 2));
  for (const h of handles) h.remove();
  for (const [name, f] of Object.entries(features)) {
    assert.deepEqual(f.shape, expected.hooks[name].shape, `${name} shape`);
    close(f.sum().item(), expected.hooks[name].sum, 1e-4, `${name} sum`);
    close(values(f.reshape(-1).narrow(0, 0, 5)), expected.hooks[name].first, 1e-4, `${name} values`);
  }
  const before = Object.keys(features).length;
  model.call(x.narrow(0, 0, 1));
  assert.equal(features.conv1.shape[0], 2, 'a removed hook no longer runs');
  assert.equal(Object.keys(features).length, before);
});

test('a ResidualNet block: output, BatchNorm running mean and gradient as PyTorch\'s', () => {
  class ResidualBlock extends nn.Module {
    constructor(inChannels, outChannels, stride = 1) {
      super();
      this.conv1 = new nn.Conv2d(inChannels, outChannels, 3, stride, 1, { bias: false });
      this.bn1 = new nn.BatchNorm2d(outChannels);
      this.conv2 = new nn.Conv2d(outChannels, outChannels, 3, 1, 1, { bias: false });
      this.bn2 = new nn.BatchNorm2d(outChannels);
      this.shortcut = new nn.Sequential();
      if (stride !== 1 || inChannels !== outChannels) {
        this.shortcut = new nn.Sequential(new nn.Conv2d(inChannels, outChannels, 1, stride, { bias: false }), new nn.BatchNorm2d(outChannels));
      }
    }

    forward(x) {
      let out = F.relu(this.bn1.call(this.conv1.call(x)));
      out = this.bn2.call(this.conv2.call(out));
      out = out.add(this.shortcut.call(x));
      return F.relu(out);
    }
  }

  const block = new ResidualBlock(4, 8, 2);
  fill_(block);
  const xb = pattern([2, 4, 8, 8], 3, 2.0);
  const yb = block.call(xb);
  yb.sum().backward();
  const want = expected.residual;
  assert.deepEqual(yb.shape, want.shape);
  close(yb.sum().item(), want.sum, 1e-4, 'sum');
  close(values(yb.reshape(-1).slice(0, 0, null, 17)), want.strided, 1e-4, 'output');
  close(values(block.bn1.running_mean), want.running_mean, 1e-4, 'running_mean');
  close(values(block.conv1.weight.grad.reshape(-1).narrow(0, 0, 6)), want.conv1_grad, 1e-4, 'conv1 grad');
  block.eval();
  close(block.call(xb).sum().item(), want.eval_sum, 1e-4, 'eval sum');
});

test('transfer learning: frozen features, a replaced last layer, three Adam steps', () => {
  class SmallNet extends nn.Module {
    constructor() {
      super();
      this.features = new nn.Sequential(new nn.Conv2d(3, 8, 3, { padding: 1 }), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Conv2d(8, 16, 3, { padding: 1 }), new nn.ReLU(), new nn.AdaptiveAvgPool2d(1));
      this.classifier = new nn.Sequential(new nn.Flatten(), new nn.Linear(16, 32), new nn.ReLU(), new nn.Linear(32, 10));
    }

    forward(x) {
      return this.classifier.call(this.features.call(x));
    }
  }

  const net = new SmallNet();
  fill_(net);
  for (const p of net.features.parameters()) p.requiresGrad = false;
  net.classifier.set(-1, new nn.Linear(32, 3));
  torch.noGrad(() => {
    net.classifier.at(-1).weight.copy_(pattern([3, 32], 5, 0.4));
    net.classifier.at(-1).bias.zero_();
  });
  const xt = pattern([6, 3, 8, 8], 11, 2.0);
  const yt = torch.arange(6).remainder(3);
  const opt = new optim.Adam(net.parameters().filter((p) => p.requiresGrad), 0.01);
  const tlLosses = [];
  for (let step = 0; step < 3; step++) {
    opt.zeroGrad();
    const loss = F.crossEntropy(net.call(xt), yt);
    loss.backward();
    opt.step();
    tlLosses.push(loss.item());
  }
  const want = expected.transfer;
  close(tlLosses, want.losses, 1e-5, 'losses');
  assert.equal(net.parameters().filter((p) => p.requiresGrad).reduce((n, p) => n + p.numel(), 0), want.trainable);
  close(net.features.parameters().reduce((s, p) => s + p.sum().item(), 0), want.features_sum, 1e-4, 'frozen features unchanged');
  assert.equal(net.features.parameters()[0].grad, null, 'frozen parameters get no gradient');
});

test('a custom autograd.Function: forward and backward as PyTorch\'s', () => {
  class ClampedExp extends torch.autograd.Function {
    static forward(ctx, x, limit) {
      const y = torch.exp(x.clamp({ max: limit }));
      ctx.saveForBackward(x, y);
      ctx.limit = limit;
      return y;
    }

    static backward(ctx, gradOutput) {
      const [x, y] = ctx.savedTensors;
      return [gradOutput.mul(y).mul(x.le(ctx.limit)), null];
    }
  }

  const xf = pattern([2, 5], 1, 4.0).requiresGrad_(true);
  const yf = ClampedExp.apply(xf, 1.0);
  yf.mul(torch.arange(10).reshape(2, 5)).sum().backward();
  close(values(yf), expected.function.output, 1e-5, 'output');
  close(values(xf.grad), expected.function.grad, 1e-5, 'grad');
});

test('a torchvision data pipeline: Compose, ToTensor, Normalize, RandomCrop with padding, flips, DataLoader(ds, 4, true)', () => {
  const pixels = Uint8Array.from({ length: 32 * 32 * 3 }, (_, k) => (k * 37 + 11) % 256);
  const image = new ck.data.Image(pixels, 32, 32, 3);
  const [mean, std] = [[0.4914, 0.4822, 0.4465], [0.247, 0.243, 0.261]];
  const plain = new T.Compose([new T.ToTensor(), new T.Normalize(mean, std)]);
  const flipped = new T.Compose([new T.RandomHorizontalFlip(1.0), new T.ToTensor(), new T.Normalize(mean, std)]);
  const augment = new T.Compose([new T.RandomCrop(32, { padding: 4 }), new T.RandomHorizontalFlip(), new T.ToTensor(), new T.Normalize(mean, std)]);
  const tPlain = plain.forward(image);
  const want = expected.pipeline;
  close(values(tPlain.reshape(-1).narrow(0, 0, 6)), want.plain_first, 1e-5, 'ToTensor + Normalize');
  close(tPlain.sum().item(), want.plain_sum, 1e-4, 'sum');
  close(values(flipped.forward(image).reshape(-1).narrow(0, 0, 6)), want.flipped_first, 1e-5, 'flipped');
  assert.deepEqual(augment.forward(image).shape, want.augment_shape);
  close(values(new T.Compose([new T.Pad(4), new T.ToTensor()]).forward(image).index(null, 0, 0)), want.padded_corner, 0, 'padding');

  const dataset = new TensorDataset(torch.arange(10), torch.arange(10).remainder(3));
  const batches = [];
  const seen = [];
  for (const [xb] of new DataLoader(dataset, 4, true)) {
    batches.push(xb.shape);
    seen.push(...xb.dataSync());
  }
  assert.deepEqual(batches, want.batch_shapes);
  assert.deepEqual(seen.sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 'shuffled, each sample once');
});

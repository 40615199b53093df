/**
 * BatchNorm's fused epilogue (residual add, ReLU) and ResNet's blocks that use it: the same outputs, running
 * statistics and gradients as the modules run one after another, in training and evaluation mode; the
 * closed-form training gradient against finite differences, to second order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { batchNormThen } from '../../src/nn/batchnorm.js';
import { assertClose } from '../helpers/index.js';

const { nn } = ck;

test('BatchNorm2d.forwardThen equals forward, add and ReLU: outputs, running statistics and gradients', () => {
  ck.manualSeed(31);
  for (const training of [true, false]) {
    const [a, b] = [new nn.BatchNorm2d(5), new nn.BatchNorm2d(5)];
    for (const m of [a, b]) {
      ck.noGrad(() => {
        m.weight!.copy_(ck.linspace(0.5, 1.5, 5));
        m.bias!.copy_(ck.linspace(-0.2, 0.2, 5));
        m.runningMean!.copy_(ck.linspace(-1, 1, 5));
      });
      m.train(training);
    }
    const x = ck.randn([2, 5, 9, 7]).requiresGrad_(true);
    const r = ck.randn([2, 5, 9, 7]).requiresGrad_(true);
    const fused = a.forwardThen(x, { residual: r, relu: true });
    const plain = ck.relu(ck.add(b.forward(x), r));
    assert.deepEqual(fused.dataSync(), plain.dataSync(), `training ${training}: output`);
    assert.deepEqual(a.runningMean!.dataSync(), b.runningMean!.dataSync());
    assert.deepEqual(a.runningVar!.dataSync(), b.runningVar!.dataSync());
    const gy = ck.randn(x.shape);
    const g1 = ck.autograd.grad(ck.sum(ck.mul(fused, gy)), [x, r, a.weight!, a.bias!]) as ck.Tensor[];
    const g2 = ck.autograd.grad(ck.sum(ck.mul(plain, gy)), [x, r, b.weight!, b.bias!]) as ck.Tensor[];
    g1.forEach((g, i) => assertClose(g, g2[i], { rtol: 1e-5, atol: 1e-5 }, `training ${training}: gradient ${i}`));
  }
});

/** The block with its modules' forwards wrapped on the instance, which makes it run them one by one. */
function unfusedCopy(block: ck.nn.Module): ck.nn.Module {
  for (const m of block.modules()) Object.defineProperty(m, 'forward', { value: Object.getPrototypeOf(m).forward.bind(m), configurable: true, writable: true });
  return block;
}

test('ResNet blocks fuse BatchNorm, shortcut and ReLU with the values of the modules run one by one', () => {
  // layer2's first block has a downsampling shortcut; resnet18's blocks are BasicBlocks, resnet50's Bottlenecks
  for (const [net, channels] of [[ck.models.resnet18, [64, 64]], [ck.models.resnet50, [64, 256]]] as const) for (const training of [true, false]) {
    const make = (): ck.models.ResNet => {
      ck.manualSeed(32);
      return net({ numClasses: 4 }).train(training) as ck.models.ResNet;
    };
    const [fusedNet, plainNet] = [make(), make()];
    for (const [i, stage] of (['layer1', 'layer2'] as const).entries()) {
      const fused = fusedNet[stage].children()[0];
      const plain = unfusedCopy(plainNet[stage].children()[0]);
      ck.manualSeed(33);
      const x = ck.randn([2, channels[i], 9, 9]);
      const [y1, y2] = [fused.forward(x) as ck.Tensor, plain.forward(x) as ck.Tensor];
      assert.deepEqual(y1.dataSync(), y2.dataSync(), `${stage}, training ${training}: output`);
      const gy = ck.randn(y1.shape);
      const p1 = fused.parameters();
      const p2 = plain.parameters();
      const g1 = ck.autograd.grad(ck.sum(ck.mul(y1, gy)), p1) as ck.Tensor[];
      const g2 = ck.autograd.grad(ck.sum(ck.mul(y2, gy)), p2) as ck.Tensor[];
      g1.forEach((g, i) => assertClose(g, g2[i], { rtol: 1e-4, atol: 1e-5 }, `${stage}, training ${training}: gradient of parameter ${i}`));
    }
  }
});

test('training-mode batchNorm: the closed-form gradient is itself differentiable (second derivatives by finite differences)', () => {
  ck.manualSeed(34);
  const f64 = (shape: number[]): ck.Tensor => ck.randn(shape, { dtype: 'float64' });
  const r = f64([3, 2, 2, 3]);
  for (const relu of [false, true]) {
    // relu's kink: a residual of ±4 keeps the pre-activations away from 0
    const residual = relu ? ck.mul(ck.sign(f64([3, 2, 2, 3])), 4) : null;
    // gradcheck probes under noGrad; the inner gradient needs recording back on
    const dx = (x: ck.Tensor, w: ck.Tensor, b: ck.Tensor): ck.Tensor => ck.enableGrad(() => {
      const out = batchNormThen(x, null, null, w, b, { training: true }, { residual, relu });
      return ck.autograd.grad(ck.sum(ck.mul(out, r)), [x], { createGraph: true })[0]!;
    });
    assert.ok(ck.autograd.gradcheck(dx, [f64([3, 2, 2, 3]), f64([2]), f64([2])]), `relu ${relu}`);
  }
});

test('training-mode batchNorm: parameter gradients when the input needs none', () => {
  ck.manualSeed(35);
  const bn = new nn.BatchNorm2d(3);
  const x = ck.randn([4, 3, 5, 5]);
  const y = bn.forwardThen(x, { relu: true });
  y.backward(ck.onesLike(y));
  const xhat = ck.div(ck.sub(x, ck.mean(x, [0, 2, 3], true)), ck.sqrt(ck.add(ck.var(x, [0, 2, 3], { correction: 0, keepdim: true }), 1e-5)));
  const mask = ck.gt(xhat, 0).to('float32');
  // with w = 1, b = 0: y = relu(x̂), so dw = Σ x̂·[x̂ > 0] and db = Σ [x̂ > 0] per channel
  assertClose(bn.weight!.grad!, ck.sum(ck.mul(xhat, mask), [0, 2, 3]), { rtol: 1e-5, atol: 1e-5 }, 'dw');
  assertClose(bn.bias!.grad!, ck.sum(mask, [0, 2, 3]), { rtol: 1e-5, atol: 1e-5 }, 'db');
});

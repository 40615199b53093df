/** The composite functions' gradients against float64 finite differences (gradcheck), numerical stability, and errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';

const F = ck.nn.functional;
const f64 = (shape: number[], scale = 1): ck.Tensor => ck.mul(ck.randn(shape, { dtype: 'float64' }), scale);
const probs = (shape: number[]): ck.Tensor => F.softmax(f64(shape), 1);
const { gradcheck } = ck.autograd;

test('erf: values from Abramowitz & Stegun table 7.1 and gradient 2/√π·e^(-x²)', () => {
  const x = ck.tensor([0, 0.5, 1, 2, 3, -1.5, 6], { dtype: 'float64' });
  // A&S table 7.1 (and erf(-x) = -erf(x)); erf(6) = 1 - 2.15e-17 rounds to 1
  const expected = [0, 0.5204998778130465, 0.8427007929497149, 0.9953222650189527, 0.9999779095030014, -0.9661051464753108, 1];
  ck.erf(x).dataSync().forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-15, `erf(${x.dataSync()[i]}) = ${v}`));
  assert.ok(gradcheck(ck.erf, [f64([20], 2)]));
});

const composites: [string, (...xs: ck.Tensor[]) => ck.Tensor, ck.Tensor[]][] = [
  ['gelu', (x) => F.gelu(x), [f64([12], 2)]],
  ['gelu tanh', (x) => F.gelu(x, { approximate: 'tanh' }), [f64([12], 2)]],
  ['elu', (x) => F.elu(x, { alpha: 0.7 }), [f64([12], 2)]],
  ['leakyRelu', (x) => F.leakyRelu(x, { negativeSlope: 0.1 }), [f64([12], 2)]],
  ['silu', (x) => F.silu(x), [f64([12], 2)]],
  ['softplus', (x) => F.softplus(x, { beta: 2, threshold: 3 }), [f64([12], 2)]],
  ['softmax', (x) => F.softmax(x, 1), [f64([3, 5], 3)]],
  ['logSoftmax', (x) => F.logSoftmax(x, 0), [f64([3, 5], 3)]],
  ['batchNorm training', (x, w, b) => F.batchNorm(x, null, null, w, b, { training: true }), [f64([4, 3, 2]), f64([3]), f64([3])]],
  ['batchNorm eval', (x, w, b) => F.batchNorm(x, ck.ones([3], { dtype: 'float64' }), ck.full([3], 2, { dtype: 'float64' }), w, b), [f64([4, 3]), f64([3]), f64([3])]],
  ['linear', (x, w, b) => F.linear(x, w, b), [f64([4, 3]), f64([2, 3]), f64([2])]],
  ['crossEntropy smoothing weight', (x) => F.crossEntropy(x, ck.tensor([0, 2, 1, -100], { dtype: 'int32' }), { weight: ck.tensor([1, 2, 0.5], { dtype: 'float64' }), labelSmoothing: 0.2 }), [f64([4, 3], 3)]],
  ['crossEntropy probabilities', (x, t) => F.crossEntropy(x, t), [f64([4, 3], 3), probs([4, 3])]],
  ['binaryCrossEntropy', (x) => F.binaryCrossEntropy(x, ck.tensor([0, 1, 0.3, 0.9], { dtype: 'float64' })), [ck.tensor([0.2, 0.7, 0.5, 0.99], { dtype: 'float64' })]],
  ['binaryCrossEntropyWithLogits', (x, t) => F.binaryCrossEntropyWithLogits(x, t, { posWeight: ck.tensor([2, 0.5, 1], { dtype: 'float64' }) }), [f64([4, 3], 3), ck.rand([4, 3], { dtype: 'float64' })]],
  ['klDiv', (x, t) => F.klDiv(x, t, { reduction: 'batchmean' }), [F.logSoftmax(f64([4, 3]), 1), probs([4, 3])]],
  ['smoothL1Loss', (x, t) => F.smoothL1Loss(x, t, { beta: 0.5 }), [f64([10], 2), f64([10])]],
  ['huberLoss', (x, t) => F.huberLoss(x, t, { delta: 0.5 }), [f64([10], 2), f64([10])]],
  ['mseLoss', (x, t) => F.mseLoss(x, t, { reduction: 'sum' }), [f64([10]), f64([10])]],
];

for (const [name, fn, inputs] of composites) {
  test(`gradcheck: ${name}`, () => assert.ok(gradcheck(fn, inputs)));
}

test('large logits give finite losses and gradients (log-sum-exp, no overflow)', () => {
  const x = ck.tensor([[1e4, -1e4, 0], [-3e4, 3e4, 1]], { requiresGrad: true });
  const loss = F.crossEntropy(x, ck.tensor([1, 1], { dtype: 'int32' }));
  loss.backward();
  assert.ok(Number.isFinite(loss.item()) && x.grad!.dataSync().every(Number.isFinite));
  const z = ck.tensor([1e4, -1e4, 88, -88], { requiresGrad: true });
  const bce = F.binaryCrossEntropyWithLogits(z, ck.tensor([0, 1, 1, 0]));
  bce.backward();
  assert.ok(Number.isFinite(bce.item()) && z.grad!.dataSync().every(Number.isFinite));
  const s = ck.tensor([1e4, -1e4, 50], { requiresGrad: true });
  ck.sum(ck.mul(F.softplus(s), F.elu(s))).backward();
  assert.ok(s.grad!.dataSync().every(Number.isFinite), 'softplus and elu of large inputs have finite gradients');
});

test('losses check shapes, dtypes, class indices and options, naming the op', () => {
  const x = ck.randn([4, 3]);
  const int = (v: number[]): ck.Tensor => ck.tensor(v, { dtype: 'int32' });
  assert.throws(() => F.crossEntropy(x, int([0, 1, 3, 0])), /crossEntropy: target 3 is out of bounds for 3 classes/);
  assert.throws(() => F.crossEntropy(x, int([0, 1, 2])), /crossEntropy: expected target of shape \[4\] for input \[4,3\], got \[3\]/);
  assert.throws(() => F.crossEntropy(x, ck.tensor([0, 1, 2, 0])), /crossEntropy: expected class indices \(int32, shape \[4\]\) or class probabilities of the input's shape \[4,3\], got a float32 target \[4\]/);
  assert.throws(() => F.crossEntropy(x, int([0, 1, 2, 0]), { weight: ck.ones([4]) }), /crossEntropy: expected weight of shape \[3\] \(one per class\), got \[4\]/);
  assert.throws(() => F.crossEntropy(x, int([0, 1, 2, 0]), { labelSmoothing: 2 }), /crossEntropy: labelSmoothing has to be between 0 and 1, got 2/);
  assert.throws(() => F.crossEntropy(x, F.softmax(x, 1), { ignoreIndex: 1 }), /ignoreIndex is not supported for class probability targets/);
  assert.throws(() => F.nllLoss(x, int([0, 1, 2, 0]), { reduction: 'avg' as 'mean' }), /nllLoss: expected reduction to be 'none', 'mean' or 'sum', got 'avg'/);
  assert.throws(() => F.mseLoss(x, ck.randn([4])), /mseLoss: expected target with the input's shape \[4,3\], got \[4\]/);
  assert.throws(() => F.binaryCrossEntropy(ck.tensor([0.5, 1.5]), ck.tensor([0, 1])), /binaryCrossEntropy: all elements of input should be between 0 and 1/);
  assert.throws(() => F.binaryCrossEntropyWithLogits(x, ck.rand([4, 3]), { posWeight: ck.ones([2]) }), /posWeight of shape \[2\] cannot be broadcast to the input's shape \[4,3\]/);
  assert.throws(() => F.klDiv(x, x, { reduction: 'batch' as 'sum' }), /klDiv: expected reduction to be one of 'none', 'mean', 'sum', 'batchmean'/);
  assert.throws(() => new ck.nn.MSELoss({ reduction: 'all' as 'sum' }), /MSELoss: expected reduction to be 'none', 'mean' or 'sum', got 'all'/);
});

test('layers and functions check their inputs, naming the expected and received shapes', () => {
  assert.throws(() => new ck.nn.Linear(3, 2).forward(ck.randn([4, 5])), /linear: expected input with 3 features in its last dim \(weight \[2,3\]\), got \[4,5\]/);
  assert.throws(() => new ck.nn.Linear(0, 2), /Linear: inFeatures must be a positive integer, got 0/);
  assert.throws(() => new ck.nn.BatchNorm2d(3).forward(ck.randn([2, 4, 5, 5])), /BatchNorm2d: expected input with 3 channels \(dim 1\), got \[2,4,5,5\]/);
  assert.throws(() => new ck.nn.BatchNorm2d(3).forward(ck.randn([2, 3, 5])), /BatchNorm2d: expected 4D input, got 3D input \[2,3,5\]/);
  assert.throws(() => new ck.nn.BatchNorm1d(3).forward(ck.randn([1, 3])), /batchNorm: expected more than 1 value per channel when training, got input \[1,3\]/);
  assert.throws(() => F.batchNorm(ck.randn([4, 3]), ck.zeros([2]), ck.ones([3])), /batchNorm: expected runningMean of shape \[3\] for input \[4,3\] \(3 channels\), got \[2\]/);
  assert.throws(() => F.softmax(ck.randn([2, 3]), 2), /softmax: dim 2 out of range for a tensor of rank 2/);
  assert.throws(() => new ck.nn.Softmax(undefined as unknown as number), /Softmax: missing required argument dim/);
  assert.throws(() => F.gelu(ck.randn([2]), { approximate: 'fast' as 'tanh' }), /gelu: expected approximate to be one of 'none', 'tanh', got 'fast'/);
  assert.throws(() => F.relu6([1, 2] as unknown as ck.Tensor), /relu6: expected input to be a Tensor, got an array/);
});

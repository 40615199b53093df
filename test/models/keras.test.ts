/**
 * Xception and Inception-ResNet-v2 following the Keras applications definitions: their parameter counts
 * against the Keras totals quoted in the lecture, their layout and logits against a PyTorch transcription
 * (tools/reference_models.py) with the same weights, and the Keras-specific layers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { ConvBn, MaxPool2dSame, ShiftBatchNorm2d, tfSamePadding } from '../../src/models/keras-layers.js';
import { assertClose, loadFixture, type TensorSpec } from '../helpers/index.js';
import { fillHashWeights, hashInput } from '../helpers/hash-weights.js';
import { assertLogits, countParams, describeCall, keyList, shared, type Call } from './zoo.js';

const keys = loadFixture<Record<string, Call & { keys: [string, number[]][] }>>('models-keys');
const parity = loadFixture<Record<string, Call & { inputShape: number[]; logits: TensorSpec }>>('models-parity');

// Keras's model.summary() totals, as the lecture's comparison table quotes them: trainable + non-trainable,
// where the non-trainable ones are BatchNorm's moving mean and variance (buffers in PyTorch and convkit).
const KERAS: Record<string, { total: number; trainable: number }> = {
  xception: { total: 22_910_480, trainable: 22_855_952 },
  inceptionResnetV2: { total: 55_873_736, trainable: 55_813_192 },
};

test('parameters plus running statistics equal the Keras totals; parameters equal Keras\'s trainable count', () => {
  for (const [name, keras] of Object.entries(KERAS)) {
    const { params, trainable, bufferElements } = countParams(shared(parity[name]));
    assert.equal(params, keras.trainable, `${name} trainable`);
    assert.equal(trainable, keras.trainable);
    assert.equal(params + bufferElements, keras.total, `${name} total as Keras counts it`);
    const s = ck.summary(shared(parity[name]), parity[name].inputShape);
    assert.equal(s.totalParams + s.bufferElements, keras.total, `${name} summary`);
  }
});

test('Keras counts ResNet50 as 25,636,712: torchvision\'s parameters, a bias per convolution channel, running statistics', () => {
  const resnet50 = keys.resnet50.keys;
  const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
  const params = resnet50.filter(([k]) => !/running_|num_batches/.test(k)).reduce((n, [, s]) => n + size(s), 0);
  const stats = resnet50.filter(([k]) => /running_/.test(k)).reduce((n, [, s]) => n + size(s), 0);
  const convBiases = resnet50.filter(([, s]) => s.length === 4).reduce((n, [, s]) => n + s[0], 0);
  assert.deepEqual([params, convBiases, stats], [25_557_032, 26_560, 53_120]);
  assert.equal(params + convBiases, 25_583_592, 'Keras\'s trainable count');
  assert.equal(params + convBiases + stats, 25_636_712, 'Keras\'s total');
});

test('module layout follows the Keras layer names, as the PyTorch transcription\'s', () => {
  for (const name of Object.keys(KERAS)) assert.deepEqual(keyList(shared(parity[name])), keys[name].keys, name);
  const x = keyList(shared(parity.xception)).map(([k]) => k);
  for (const k of ['block1_conv1.weight', 'block2.sepconv1.depthwise.weight', 'block2.sepconv1.pointwise.weight', 'block2.residual_bn.running_var', 'block14_sepconv2_bn.bias', 'predictions.weight']) {
    assert.ok(x.includes(k), k);
  }
  const bnKeys = keyList(shared(parity.inceptionResnetV2)).map(([k]) => k).filter((k) => k.startsWith('conv2d_1a.bn.'));
  assert.deepEqual(bnKeys, ['conv2d_1a.bn.bias', 'conv2d_1a.bn.running_mean', 'conv2d_1a.bn.running_var', 'conv2d_1a.bn.num_batches_tracked'], 'no scale');
});

test('eval-mode logits equal the PyTorch transcription\'s for the same weights (1e-4 relative)', () => {
  for (const name of Object.keys(KERAS)) {
    const c = parity[name];
    const model = fillHashWeights(shared(c)).eval();
    assertLogits(ck.noGrad(() => model.forward(hashInput(c.inputShape))) as ck.Tensor, c.logits, `${name} = ${describeCall(c)} on ${JSON.stringify(c.inputShape)}`);
  }
});

test('TensorFlow\'s \'same\' max pooling pads the extra row and column at the end, with -infinity', () => {
  // TF: output ceil(n / s), total padding (out - 1) * s + k - n: 74 -> 37 pads 0 before and 1 after; 147 -> 74 pads 1 and 1
  assert.deepEqual(tfSamePadding(74, 3, 2), [0, 1]);
  assert.deepEqual(tfSamePadding(147, 3, 2), [1, 1]);
  const x = ck.tensor([[[[-5, -4, -3, -2]]]]); // 1x1x1x4, all negative so a zero pad would win
  const y = new MaxPool2dSame(3, 2).forward(x);
  // windows [-5,-4,-3] and [-3,-2,pad]: a padded zero would give 0, -infinity padding gives -2
  assert.deepEqual(y.toArray(), [[[[-3, -2]]]]);
});

test('Keras BatchNorm without scale: a shift, running statistics updated in training, eps 1e-3', () => {
  const bn = new ShiftBatchNorm2d(2);
  ck.noGrad(() => bn.bias.copy_(ck.tensor([1, -1])));
  const x = ck.tensor([[[[1, 3]], [[2, 2]]], [[[5, 7]], [[2, 2]]]]); // channel 0: 1, 3, 5, 7; channel 1: all 2
  const y = ck.noGrad(() => bn.forward(x));
  // channel 0: mean 4, biased variance 5: (v - 4) / sqrt(5 + 1e-3) + 1; channel 1: variance 0: 0 / sqrt(1e-3) - 1
  const d = Math.sqrt(5 + 1e-3);
  const expected = [(1 - 4) / d + 1, (3 - 4) / d + 1, -1, -1, (5 - 4) / d + 1, (7 - 4) / d + 1, -1, -1];
  assertClose(y, { shape: [2, 2, 1, 2], dtype: 'float32', data: expected }, { rtol: 1e-6 });
  // Keras momentum 0.99 = PyTorch's 0.01, unbiased variance 20/3
  const rv = bn.getBuffer('running_var')!.dataSync();
  assert.ok(Math.abs(rv[0] - (0.99 + 0.01 * 20 / 3)) < 1e-6 && Math.abs(rv[1] - 0.99) < 1e-6);
  assert.equal(bn.getBuffer('num_batches_tracked')!.item(), 1);
  assert.equal(countParams(new ConvBn(3, 8, 3)).params, 3 * 8 * 9 + 8, 'conv without bias, BN with a shift only');
});

test('the Keras layers are differentiable: gradcheck in float64', () => {
  const bn = new ShiftBatchNorm2d(3).double();
  const pool = new MaxPool2dSame(3, 2);
  const x = ck.randn([2, 3, 5, 4], { dtype: 'float64', requiresGrad: true });
  assert.ok(ck.autograd.gradcheck((t) => bn.forward(t), [x]), 'BatchNorm without scale, training mode');
  // d sum(y) / d bias_c counts the elements of channel c: 2 * 5 * 4
  bn.forward(x.detach()).sum().backward();
  assert.deepEqual(bn.bias.grad!.toArray(), [40, 40, 40], 'its shift');
  assert.ok(ck.autograd.gradcheck((t) => pool.forward(t), [x]), "'same' max pooling");
});

test('the Keras models expose their last layer and refuse unknown options', () => {
  const m = shared(parity.xception) as ck.models.Xception;
  const original = m.lastLayer;
  m.lastLayer = new ck.nn.Linear(2048, 5);
  assert.deepEqual(m.stateDict()['predictions.weight'].shape, [5, 2048]);
  m.lastLayer = original;
  assert.throws(() => ck.models.xception({ weights: 'imagenet' } as object), /xception: unknown option 'weights' \(expected one of numClasses, inChannels\)/);
  assert.throws(() => ck.models.inceptionResnetV2({ inChannels: 0 }), /inceptionResnetV2: inChannels must be a positive integer, got 0/);
});

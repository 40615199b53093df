/**
 * The torchvision-compatible models: state-dict keys, shapes and parameter counts against torchvision 0.14,
 * eval-mode logits against PyTorch with the same (hash-generated) weights, and training-mode outputs.
 * VGG lives in vgg.test.ts. Fixtures: tools/gen_model_fixtures.py.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { loadFixture, type TensorSpec } from '../helpers/index.js';
import { fillHashWeights, hashInput } from '../helpers/hash-weights.js';
import { assertLogits, build, countParams, describeCall, keyList, type Call } from './zoo.js';

type Counted = Call & { params: number; trainable: number; bufferElements: number };
const counts = loadFixture<Record<string, Counted>>('models-counts');
const keys = loadFixture<Record<string, Call & { keys: [string, number[]][] }>>('models-keys');
const parity = loadFixture<Record<string, Call & { inputShape: number[]; logits: TensorSpec }>>('models-parity');

const KEYED = ['alexnet', 'alexnet-1ch-10', 'resnet18', 'resnet34', 'resnet50', 'resnet101', 'resnet152', 'resnext50_32x4d', 'googlenet', 'googlenet-noaux', 'inceptionV3'];
const COUNTED = ['inceptionV3-noaux', 'resnet50-1x1'];

test('state-dict keys and shapes equal torchvision\'s, so its weights load unchanged', () => {
  for (const name of KEYED) {
    const model = build(keys[name]);
    assert.deepEqual(keyList(model), keys[name].keys, describeCall(keys[name]));
    assert.deepEqual(countParams(model), { params: counts[name].params, trainable: counts[name].trainable, bufferElements: counts[name].bufferElements }, name);
  }
});

test('parameter counts equal torchvision\'s for the variants without a key list', () => {
  for (const name of COUNTED) assert.equal(countParams(build(counts[name])).params, counts[name].params, describeCall(counts[name]));
});

test('the lecture\'s 1-channel, 10-class AlexNet has 57,029,322 parameters', () => {
  assert.equal(countParams(ck.models.alexnet({ inChannels: 1, numClasses: 10 })).params, 57_029_322);
});

const PARITY = ['alexnet', 'resnet18', 'resnet50', 'resnet50-1x1', 'resnext50_32x4d', 'googlenet', 'inceptionV3'];

test('eval-mode logits equal PyTorch\'s for the same weights (1e-4 relative)', () => {
  for (const name of PARITY) {
    const c = parity[name];
    const model = fillHashWeights(build(c)).eval();
    const logits = ck.noGrad(() => model.forward(hashInput(c.inputShape)));
    assert.ok(logits instanceof ck.Tensor, `${name}: eval mode returns the logits alone`);
    assertLogits(logits, c.logits, `${name} = ${describeCall(c)} on ${JSON.stringify(c.inputShape)}`);
  }
});

test('GoogLeNet returns both auxiliary classifiers\' logits in training mode only', () => {
  const model = ck.models.googlenet({ numClasses: 7, initWeights: false });
  const out = ck.noGrad(() => model.forward(ck.randn([2, 3, 64, 64]))) as ck.models.GoogLeNetOutputs;
  assert.deepEqual([out.logits.shape, out.auxLogits2.shape, out.auxLogits1.shape], [[2, 7], [2, 7], [2, 7]]);
  model.eval();
  assert.deepEqual((ck.noGrad(() => model.forward(ck.randn([1, 3, 64, 64]))) as ck.Tensor).shape, [1, 7]);
  const noAux = ck.models.googlenet({ auxLogits: false, initWeights: false });
  assert.ok(noAux.forward(ck.randn([2, 3, 32, 32])) instanceof ck.Tensor, 'without aux classifiers a tensor in training too');
  assert.equal(noAux.aux1, null);
});

test('Inception v3\'s auxiliary classifier maps the 17x17x768 grid to logits', () => {
  const model = ck.models.inceptionV3({ numClasses: 5, initWeights: false });
  assert.deepEqual(model.AuxLogits!.eval().forward(ck.randn([1, 768, 17, 17])).shape, [1, 5]);
  assert.equal(ck.models.inceptionV3({ auxLogits: false, initWeights: false }).AuxLogits, null);
});

test('every torchvision model exposes its last layer for fine-tuning', () => {
  const cases: [ck.nn.Module & ck.models.HasLastLayer, string][] = [
    [ck.models.alexnet(), 'classifier.6'], [ck.models.resnet18(), 'fc'],
    [ck.models.googlenet({ initWeights: false }), 'fc'], [ck.models.inceptionV3({ initWeights: false }), 'fc'],
  ];
  for (const [m, key] of cases) {
    m.lastLayer = new ck.nn.Linear(m.lastLayer.inFeatures, 3);
    assert.deepEqual(m.stateDict()[`${key}.weight`].shape, [3, m.lastLayer.inFeatures], m.constructor.name);
  }
});

test('torchvision builders refuse options that do not apply', () => {
  assert.throws(() => ck.models.resnet18({ strideOn: '1x1' } as object), /resnet18: unknown option 'strideOn'|resnet18: strideOn applies to bottleneck blocks/);
  assert.throws(() => ck.models.resnet50({ strideOn: '2x2' as '1x1' }), /resnet50: strideOn must be one of '3x3', '1x1', got "2x2"/);
  assert.throws(() => ck.models.googlenet({ inChannels: 1, transformInput: true }), /googlenet: transformInput rescales 3 RGB channels, got inChannels 1/);
  assert.throws(() => ck.models.alexnet({ dropout: -0.1 }), /alexnet: dropout must be a probability in \[0, 1\], got -0.1/);
  assert.throws(() => ck.models.inceptionV3({ aux: false } as object), /inceptionV3: unknown option 'aux'/);
});

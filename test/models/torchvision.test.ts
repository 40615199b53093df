/**
 * The torchvision-compatible models: state-dict keys, shapes and parameter counts against torchvision 0.14,
 * eval-mode logits against PyTorch with the same (hash-generated) weights, summaries against PyTorch hooks,
 * training-mode outputs. Each architecture is built once per file (see `shared`). The deepest ResNets and the
 * VGG family are in full-zoo.test.ts. Fixtures: tools/gen_model_fixtures.py.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { loadFixture, type TensorSpec } from '../helpers/index.js';
import { fillHashWeights, hashInput } from '../helpers/hash-weights.js';
import { assertLogits, build, countParams, describeCall, keyList, shared, type Call } from './zoo.js';

type Counted = Call & { params: number; trainable: number; bufferElements: number };
const counts = loadFixture<Record<string, Counted>>('models-counts');
const keys = loadFixture<Record<string, Call & { keys: [string, number[]][] }>>('models-keys');
const parity = loadFixture<Record<string, Call & { inputShape: number[]; logits: TensorSpec }>>('models-parity');
interface SummaryFixture extends Call {
  inputShape: number[];
  outputShape: number[];
  multAdds: number;
  rows: { name: string; type: string; depth: number; outputShape: number[]; params: number }[];
}
const summaries = loadFixture<{ models: Record<string, SummaryFixture>; resnetMultAdds224: Record<string, number> }>('models-summary');

const MODELS = ['alexnet', 'resnet18', 'resnet50', 'resnext50_32x4d', 'googlenet', 'inceptionV3'];

test('state-dict keys, shapes and parameter counts equal torchvision\'s, so its weights load unchanged', () => {
  for (const name of MODELS) {
    const model = shared(keys[name]);
    assert.deepEqual(keyList(model), keys[name].keys, describeCall(keys[name]));
    const { params, trainable, bufferElements } = counts[name];
    assert.deepEqual(countParams(model), { params, trainable, bufferElements }, name);
  }
  assert.equal(countParams(shared(counts['resnet50-1x1'])).params, counts['resnet50-1x1'].params, 'the stride placement keeps the parameters');
});

test('eval-mode logits equal PyTorch\'s for the same weights (1e-4 relative)', () => {
  for (const name of [...MODELS, 'resnet50-1x1']) {
    const c = parity[name];
    const model = fillHashWeights(shared(c)).eval();
    const logits = ck.noGrad(() => model.forward(hashInput(c.inputShape)));
    assert.ok(logits instanceof ck.Tensor, `${name}: eval mode returns the logits alone`);
    assertLogits(logits, c.logits, `${name} = ${describeCall(c)} on ${JSON.stringify(c.inputShape)}`);
  }
});

test('summary rows (module, type, depth, output shape, parameters) and mult-adds equal PyTorch hooks\'', () => {
  for (const [name, fx] of Object.entries(summaries.models)) {
    if (name === 'lenet5') continue; // lecture.test.ts
    const s = ck.summary(shared(fx), fx.inputShape, { mode: name.endsWith('-train') ? 'train' : 'eval' });
    const rows = s.rows.filter((r) => r.depth > 0).map((r) => ({ name: r.name, type: r.type, depth: r.depth, outputShape: r.outputShape, params: r.params }));
    assert.deepEqual(rows, fx.rows.map(({ name: n, type, depth, outputShape, params }) => ({ name: n, type, depth, outputShape, params })), name);
    assert.deepEqual(s.rows[0].outputShape, fx.outputShape, `${name} output`);
    assert.equal(s.multAdds, fx.multAdds, `${name} mult-adds`);
  }
});

test('summary runs on every model at a small input and agrees with it', () => {
  for (const name of [...MODELS, 'resnet50-1x1']) {
    const c = parity[name];
    const model = shared(c);
    const s = ck.summary(model, c.inputShape);
    assert.deepEqual(s.rows[0].outputShape, c.logits.shape, name);
    assert.equal(s.totalParams, countParams(model).params, name);
    assert.ok(s.multAdds > 0 && s.toString().includes(`Total params: ${s.totalParams.toLocaleString('en-US')}`), name);
  }
});

/**
 * A ResNet's every downsampling maps n to ceil(n / 2), and 32, 16, 8, 4, 2 are even, so each layer's grid at
 * 224x224 is exactly 7x its grid at 32x32: a convolution's mult-adds (parameters x positions) scale by 49, a
 * BatchNorm's or Linear's (parameters x batch) do not. resnet18 checks the rule against a real 224x224 pass.
 */
function multAddsAt224(model: ck.nn.Module): number {
  return ck.summary(model, [1, 3, 32, 32]).rows.reduce((n, r) => n + r.multAdds * (r.type === 'Conv2d' ? 49 : 1), 0);
}

test('ResNet mult-adds at 224x224: the paper\'s FLOP column with the stride on the 1x1, torchvision\'s with it on the 3x3', () => {
  const direct = ck.summary(shared(parity.resnet18), [1, 3, 224, 224]).multAdds;
  assert.equal(direct, summaries.resnetMultAdds224['resnet18-3x3'], 'resnet18 at 224, counted directly');
  assert.equal(multAddsAt224(shared(parity.resnet18)), direct, 'the 49x rule');
  const cases: [string, Call, number][] = [
    ['resnet18-1x1', parity.resnet18, 1.8e9], // He et al. 2015, Table 1
    ['resnet50-1x1', parity['resnet50-1x1'], 3.8e9],
    ['resnet50-3x3', parity.resnet50, 4.09e9], // torchvision's documented GFLOPS
  ];
  for (const [name, c, published] of cases) {
    const n = multAddsAt224(shared(c));
    assert.equal(n, summaries.resnetMultAdds224[name], `${name}: PyTorch hooks count the same`);
    // the paper prints one decimal and rounds ResNet-50's 3.86 down; torchvision prints two
    assert.ok(Math.abs(n - published) < (published < 4e9 && name.endsWith('1x1') ? 0.07e9 : 0.005e9), `${name}: ${n} vs ${published}`);
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
  assert.equal(countParams(noAux).params, counts['googlenet-noaux'].params);
});

test('Inception v3\'s auxiliary classifier maps the 17x17x768 grid to logits, in training mode only', () => {
  const model = shared(parity.inceptionV3) as ck.models.Inception3;
  assert.deepEqual(model.AuxLogits!.eval().forward(ck.randn([1, 768, 17, 17])).shape, [1, 1000]);
  // too small for the auxiliary classifier (it needs 299x299), as in PyTorch: the error names the layer
  model.train();
  assert.throws(() => ck.noGrad(() => model.forward(ck.zeros([2, 3, 75, 75]))), /avgPool2d/);
  model.eval();
});

test('torchvision models expose their last layer for fine-tuning', () => {
  const cases: [Call, string][] = [[parity.resnet18, 'fc'], [parity.googlenet, 'fc'], [parity.alexnet, 'classifier.6']];
  for (const [c, key] of cases) {
    const m = shared(c) as ck.nn.Module & ck.models.HasLastLayer;
    const original = m.lastLayer;
    try {
      m.lastLayer = new ck.nn.Linear(original.inFeatures, 3);
      assert.deepEqual(m.stateDict()[`${key}.weight`].shape, [3, original.inFeatures], c.call);
      assert.deepEqual((ck.noGrad(() => m.eval().forward(ck.zeros([1, 3, 64, 64]))) as ck.Tensor).shape, [1, 3]);
    } finally {
      m.lastLayer = original;
    }
  }
});

test('the lecture\'s 1-channel, 10-class AlexNet has 57,029,322 parameters', () => {
  const m = ck.models.alexnet({ inChannels: 1, numClasses: 10 });
  assert.equal(countParams(m).params, 57_029_322);
  assert.deepEqual(keyList(m), keys['alexnet-1ch-10'].keys);
});

test('torchvision builders refuse options that do not apply', () => {
  assert.throws(() => ck.models.resnet18({ strideOn: '1x1' } as object), /resnet18: strideOn applies to bottleneck blocks \(resnet50 and deeper\)/);
  assert.throws(() => ck.models.resnet50({ strideOn: '2x2' as '1x1' }), /resnet50: strideOn must be one of '3x3', '1x1', got "2x2"/);
  assert.throws(() => ck.models.googlenet({ inChannels: 1, transformInput: true }), /googlenet: transformInput rescales 3 RGB channels, got inChannels 1/);
  assert.throws(() => ck.models.alexnet({ dropout: -0.1 }), /alexnet: dropout must be a probability in \[0, 1\], got -0.1/);
  assert.throws(() => ck.models.inceptionV3({ aux: false } as object), /inceptionV3: unknown option 'aux' \(expected one of numClasses, inChannels, auxLogits/);
  assert.throws(() => ck.models.resnext50_32x4d({ numClasses: 2.5 }), /resnext50_32x4d: numClasses must be a positive integer, got 2.5/);
});

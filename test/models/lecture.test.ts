/** The lectures' networks: LeNet-5, the small CNN and ResidualNet, against PyTorch-initialised exported weights. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as ck from '../../src/index.js';
import { FIXTURES, fromSpec, loadFixture, type TensorSpec } from '../helpers/index.js';
import { assertLogits, build, countParams, describeCall, keyList, type Call } from './zoo.js';

interface Exported extends Call {
  weights: string;
  input: TensorSpec;
  logits: TensorSpec;
}
const exported = loadFixture<Record<string, Exported>>('models-exported');
const counts = loadFixture<Record<string, Call & { params: number; bufferElements: number }>>('models-counts');
const keys = loadFixture<Record<string, Call & { keys: [string, number[]][] }>>('models-keys');

test('LeNet-5 has the lecture\'s 61,706 parameters: 156 / 2,416 / 48,120 / 10,164 / 850', () => {
  const model = ck.models.lenet5();
  assert.equal(countParams(model).params, 61_706);
  const perLayer = ck.summary(model, [1, 1, 32, 32]).rows.filter((r) => r.ownParams > 0).map((r) => r.ownParams);
  assert.deepEqual(perLayer, [156, 2_416, 48_120, 10_164, 850]);
});

test('LeNet-5\'s summary: rows and mult-adds as PyTorch hooks count them, printed like the lecture\'s table', () => {
  const fx = loadFixture<{ models: Record<string, { rows: { name: string; type: string; outputShape: number[]; params: number }[]; multAdds: number }> }>('models-summary').models.lenet5;
  const s = ck.summary(ck.models.lenet5(), [1, 1, 32, 32]);
  assert.deepEqual(s.rows.slice(1).map((r) => [r.name, r.type, r.outputShape, r.params]), fx.rows.map((r) => [r.name, r.type, r.outputShape, r.params]));
  assert.equal(s.multAdds, fx.multAdds);
  const lines = s.toString().split('\n');
  for (const line of [
    'LeNet5                                   [1, 10]                   --',
    '│    └─Conv2d: 2-1                       [1, 6, 28, 28]            156',
    '│    └─Conv2d: 2-4                       [1, 16, 10, 10]           2,416',
    '│    └─Conv2d: 2-7                       [1, 120, 1, 1]            48,120',
    '│    └─Linear: 2-9                       [1, 84]                   10,164',
    '│    └─Linear: 2-11                      [1, 10]                   850',
    'Total params: 61,706',
    'Total mult-adds (M): 0.42',
    'Params size (MB): 0.25',
  ]) assert.ok(lines.includes(line), line);
});

test('the lecture nets have the key layout and parameter counts of their PyTorch definitions', () => {
  for (const name of ['lenet5', 'simpleCnn', 'residualNet']) {
    const model = build(keys[name]);
    assert.deepEqual(keyList(model), keys[name].keys, `${name} keys`);
    assert.equal(countParams(model).params, counts[name].params, `${name} parameters`);
    assert.equal(countParams(model).bufferElements, counts[name].bufferElements, `${name} running statistics`);
  }
});

test('PyTorch-initialised weights load unchanged from safetensors and give PyTorch\'s logits (eval mode)', () => {
  for (const [name, c] of Object.entries(exported)) {
    const model = build(c);
    const sd = ck.io.loadSafetensors(readFileSync(`${FIXTURES}${c.weights}`));
    assert.deepEqual(model.loadStateDict(sd), { missingKeys: [], unexpectedKeys: [] }, `${name} loads strictly`);
    model.eval();
    const logits = ck.noGrad(() => model.forward(fromSpec(c.input))) as ck.Tensor;
    assertLogits(logits, c.logits, `${name} = ${describeCall(c)}`);
  }
});

test('lenet5 options: activation, pooling, channels and classes', () => {
  const m = ck.models.lenet5({ activation: 'relu', pool: 'max', inChannels: 3, numClasses: 4 });
  assert.deepEqual(m.features_detector.at(0).toString(), 'Conv2d(3, 6, kernel_size=(5, 5), stride=(1, 1))');
  assert.equal(m.features_detector.at(1).constructor.name, 'ReLU');
  assert.equal(m.features_detector.at(2).constructor.name, 'MaxPool2d');
  assert.deepEqual((m.forward(ck.zeros([2, 3, 32, 32])) as ck.Tensor).shape, [2, 4]);
  assert.throws(() => ck.models.lenet5({ activation: 'gelu' as 'relu' }), /lenet5: activation must be one of 'sigmoid', 'relu', 'tanh', got "gelu"/);
  assert.throws(() => ck.models.lenet5({ numclasses: 4 } as object), /lenet5: unknown option 'numclasses' \(expected one of numClasses, inChannels, activation, pool\)/);
  assert.throws(() => ck.models.lenet5({ numClasses: 0 }), /lenet5: numClasses must be a positive integer, got 0/);
});

test('simpleCnn: 32x32 images become 32 maps of 5x5 (800 features); dropout only in training', () => {
  const m = ck.models.simpleCnn({ dropout: 0.25, numClasses: 7 });
  const rows = ck.summary(m, [2, 3, 32, 32]).rows.map((r) => [r.name, r.outputShape]);
  assert.deepEqual(rows, [
    ['', [2, 7]], ['features', [2, 32, 5, 5]],
    ['features.0', [2, 16, 14, 14]], ['features.1', [2, 16, 14, 14]], ['features.2', [2, 32, 5, 5]], ['features.3', [2, 32, 5, 5]], ['features.4', [2, 32, 5, 5]],
    ['classifier', [2, 7]],
  ]);
  assert.equal(m.features.at(4).toString(), 'Dropout2d(p=0.25, inplace=False)');
  assert.throws(() => ck.models.simpleCnn({ dropout: 1.5 }), /simpleCnn: dropout must be a probability in \[0, 1\], got 1.5/);
});

test('residualNet halves the resolution and doubles the filters every two blocks, with Xavier weights', () => {
  const m = ck.models.residualNet({ inDim: [1, 28, 28], channels: 8, numResBlocks: 6, numClasses: 3 });
  const blocks = ck.summary(m, [2, 1, 28, 28]).rows.filter((r) => r.depth === 2 && r.name.startsWith('blocks.')).map((r) => r.outputShape);
  // 28 -> 14 at block 2, 14 -> 7 at block 4 (ceil(n / 2) with padding filt // 2)
  assert.deepEqual(blocks, [[2, 8, 28, 28], [2, 8, 28, 28], [2, 16, 14, 14], [2, 16, 14, 14], [2, 32, 7, 7], [2, 32, 7, 7]]);
  assert.deepEqual(m.fc.weight.shape, [3, 32 * 7 * 7]);
  // Xavier-uniform bound sqrt(6 / (fan_in + fan_out)) for the 3x3 stem: fan_in 1*9, fan_out 8*9
  const bound = Math.sqrt(6 / (9 + 72));
  const w = Array.from(m.conv.weight.dataSync());
  assert.ok(w.every((v) => Math.abs(v) <= bound) && Math.max(...w.map(Math.abs)) > 0.8 * bound, 'stem weights fill U(-b, b)');
  assert.ok(m.fc.bias!.dataSync().every((v) => v === 0), 'zero biases');
  assert.equal(m.blocks.at(0).toString().includes('shortcut): Sequential()'), true, 'identity shortcut where shapes agree');
  assert.throws(() => ck.models.residualNet({ filt: 4 }), /residualNet: filt must be an odd positive integer/);
  assert.throws(() => ck.models.residualNet({ inDim: [3, 32, 32], inChannels: 1 }), /residualNet: inChannels 1 disagrees with inDim \[3,32,32\]/);
});

test('every lecture model exposes its last layer for fine-tuning', () => {
  const cases: [Call, number[]][] = [[{ call: 'lenet5', args: [] }, [1, 1, 32, 32]], [{ call: 'simpleCnn', args: [] }, [1, 3, 32, 32]], [{ call: 'residualNet', args: [] }, [1, 3, 32, 32]]];
  for (const [c, shape] of cases) {
    const m = build(c) as ck.nn.Module & ck.models.HasLastLayer;
    const before = keyList(m);
    m.lastLayer = new ck.nn.Linear(m.lastLayer.inFeatures, 2);
    const after = keyList(m);
    assert.deepEqual(after.map(([k]) => k), before.map(([k]) => k), `${c.call}: same keys`);
    assert.deepEqual(after.at(-2)![1], [2, before.at(-2)![1][1]], `${c.call}: new weight shape`);
    m.eval();
    assert.deepEqual((ck.noGrad(() => m.forward(ck.zeros(shape))) as ck.Tensor).shape, [1, 2]);
  }
});

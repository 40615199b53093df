/** nn.Module behaviour: printing and state-dict keys as PyTorch (test/fixtures/nn_repr.json), loading, modes, freezing, containers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { assertClose, loadFixture } from '../helpers/index.js';

const { nn } = ck;

interface ReprCase {
  repr: string;
  stateDictKeys: string[];
  shapes: Record<string, number[]>;
  namedParameters: string[];
  namedModules: string[];
}
const fx = loadFixture<Record<string, ReprCase>>('nn_repr');

/** The generator's LeNet5-shaped module, transcribed. */
class LeNet5 extends nn.Module {
  features = new nn.Sequential(new nn.Linear(4, 6), new nn.Tanh(), new nn.Dropout({ p: 0.25 }));
  bn = new nn.BatchNorm1d(6, { momentum: null });
  classifier = new nn.Sequential(new nn.Linear(6, 5), new nn.ReLU({ inplace: true }), new nn.Linear(5, 3, { bias: false }));
  heads = new nn.ModuleList([new nn.Linear(3, 2), new nn.LeakyReLU({ negativeSlope: 0.2 })]);
  named = new nn.ModuleDict({ act: new nn.GELU(), soft: new nn.Softmax(1) });

  forward(x: ck.Tensor): ck.Tensor {
    return this.classifier.forward(this.bn.forward(this.features.forward(x)));
  }
}

function transcriptions(): Record<string, ck.nn.Module> {
  const shared = new nn.Linear(2, 2);
  return {
    LeNet5: new LeNet5(),
    'named Sequential': new nn.Sequential({ fc: new nn.Linear(3, 2), act: new nn.ELU() }),
    shared: new nn.Sequential(shared, new nn.ReLU(), shared),
    misc: new nn.Sequential(
      new nn.Flatten(), new nn.Unflatten(1, [2, 5]), new nn.ReLU6(), new nn.SiLU(), new nn.Sigmoid(), new nn.Softplus(), new nn.LogSoftmax(-1),
      new nn.BatchNorm2d(4, { eps: 1e-3, affine: false }), new nn.BatchNorm3d(2, { trackRunningStats: false }), new nn.Dropout2d(), new nn.Identity(),
      new nn.CrossEntropyLoss({ weight: ck.ones([3]) }), new nn.BCEWithLogitsLoss({ posWeight: ck.ones([2]) }), new nn.MSELoss(),
    ),
    conv: new nn.Sequential(
      new nn.Conv1d(2, 4, 3), new nn.Conv2d(1, 6, 5, { stride: 2, padding: 1, dilation: 2, bias: false, paddingMode: 'reflect' }),
      new nn.Conv2d(4, 4, 3, { padding: 'same', groups: 2 }), new nn.Conv3d(2, 2, [1, 2, 3], { padding: 'valid' }),
      new nn.ConvTranspose2d(4, 2, 3, { stride: 2, padding: 1, outputPadding: 1 }), new nn.ConvTranspose1d(2, 2, 3), new nn.ConvTranspose3d(4, 2, 2, { groups: 2 }),
      new nn.MaxPool1d(2), new nn.MaxPool2d(2), new nn.MaxPool2d([3, 2], { stride: 1, padding: 1, ceilMode: true, returnIndices: true }), new nn.MaxPool3d(2),
      new nn.AvgPool1d(2), new nn.AvgPool2d(2), new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false, divisorOverride: 2 }),
      new nn.AvgPool3d([1, 2, 2]), new nn.AdaptiveAvgPool1d(3), new nn.AdaptiveAvgPool2d([5, null]), new nn.AdaptiveAvgPool2d(1),
      new nn.AdaptiveAvgPool3d([1, 2, 3]), new nn.AdaptiveMaxPool1d(2), new nn.AdaptiveMaxPool2d(4, { returnIndices: true }),
      new nn.ZeroPad2d(1), new nn.ZeroPad2d([1, 2, 3, 4]), new nn.ReflectionPad2d(2), new nn.ReplicationPad2d([1, 0, 1, 0]), new nn.ConstantPad2d(1, 3.5),
      new nn.ConstantPad1d(2, 0.5), new nn.ReflectionPad1d(1), new nn.ReplicationPad3d(1), new nn.ConstantPad3d(1, 2), new nn.ReflectionPad3d(1),
      new nn.ReplicationPad1d([1, 2]), new nn.LocalResponseNorm(5), new nn.LocalResponseNorm(3, { alpha: 2e-5, beta: 0.5, k: 2 }),
    ),
  };
}

for (const [name, m] of Object.entries(transcriptions())) {
  test(`${name}: toString, stateDict keys and shapes, namedParameters and namedModules match PyTorch`, () => {
    const expected = fx[name];
    assert.equal(m.toString(), expected.repr);
    const sd = m.stateDict();
    assert.deepEqual(Object.keys(sd), expected.stateDictKeys);
    for (const [k, shape] of Object.entries(expected.shapes)) assert.deepEqual(sd[k].shape, shape, k);
    assert.deepEqual(m.namedParameters().map(([k]) => k), expected.namedParameters);
    assert.deepEqual(m.namedModules().map(([k]) => k), expected.namedModules);
  });
}

test('stateDict round trip: a second model loaded from the first computes the same outputs', () => {
  const a = new LeNet5();
  const b = new LeNet5();
  a.train();
  a.forward(ck.randn([8, 4])); // moves the running statistics away from their initial values
  a.eval();
  b.eval();
  const x = ck.randn([3, 4]);
  assert.notDeepEqual(b.forward(x).dataSync(), a.forward(x).dataSync());
  const result = b.loadStateDict(a.stateDict());
  assert.deepEqual(result, { missingKeys: [], unexpectedKeys: [] });
  assertClose(b.forward(x), a.forward(x), { rtol: 0, atol: 0 }, 'outputs after loading');
  assert.equal(b.bn.numBatchesTracked!.item(), 1);
  // loading copies values: the two models do not share storage afterwards
  ck.noGrad(() => a.classifier.at(0).parameters()[0].fill_(0));
  assert.ok(b.classifier.at(0).parameters()[0].dataSync().some((v) => v !== 0));
});

test('stateDict entries share storage with the parameters but are detached', () => {
  const lin = new nn.Linear(2, 2);
  const w = lin.stateDict().weight;
  assert.equal(w.requiresGrad, false);
  assert.equal(w.storage, lin.weight.storage);
});

test('loadStateDict reports every missing, unexpected and mis-shaped key in one error and changes nothing', () => {
  const m = new nn.Sequential(new nn.Linear(3, 2), new nn.BatchNorm1d(2));
  const before = m.stateDict()['0.weight'].dataSync().slice();
  const sd = { ...new nn.Sequential(new nn.Linear(4, 2), new nn.BatchNorm1d(2)).stateDict(), extra: ck.zeros([1]) };
  delete (sd as Record<string, ck.Tensor>)['1.running_var'];
  assert.throws(
    () => m.loadStateDict(sd),
    (e: Error) => /size mismatch for 0\.weight: expected \[2,3\], got \[2,4\]/.test(e.message) && /missing keys: 1\.running_var/.test(e.message) && /unexpected keys: extra/.test(e.message),
  );
  assert.deepEqual(m.stateDict()['0.weight'].dataSync(), before);
  assert.throws(() => m.loadStateDict({ '0.weight': [1, 2] as unknown as ck.Tensor }), /expected a Tensor for '0.weight'/);
});

test('loadStateDict with strict false loads the matching keys and lists the others', () => {
  const src = new nn.Sequential(new nn.Linear(3, 2), new nn.ReLU(), new nn.Linear(2, 1));
  const dst = new nn.Sequential(new nn.Linear(3, 2), new nn.ReLU(), new nn.Linear(2, 4));
  const partial = Object.fromEntries(Object.entries(src.stateDict()).filter(([k]) => k.startsWith('0.')));
  const result = dst.loadStateDict({ ...partial, 'head.weight': ck.zeros([1]) }, { strict: false });
  assert.deepEqual(result, { missingKeys: ['2.weight', '2.bias'], unexpectedKeys: ['head.weight'] });
  assertClose(dst.stateDict()['0.weight'], src.stateDict()['0.weight'], { rtol: 0, atol: 0 }, 'loaded weight');
  // shapes are still checked without strict
  assert.throws(() => dst.loadStateDict(src.stateDict(), { strict: false }), /size mismatch for 2\.weight: expected \[4,2\], got \[1,2\]/);
});

test('train() and eval() switch every submodule; BatchNorm and Dropout follow', () => {
  const m = new nn.Sequential(new nn.Linear(4, 4), new nn.BatchNorm1d(4), new nn.Dropout({ p: 0.5 }));
  assert.ok(m.modules().every((x) => x.training));
  const x = ck.randn([16, 4]);
  m.eval();
  assert.ok(m.modules().every((x) => !x.training));
  // eval: fixed running statistics (mean 0, var 1) and no dropout, so the output is deterministic
  const y1 = m.forward(x);
  assertClose(m.forward(x), y1, { rtol: 0, atol: 0 }, 'eval is deterministic');
  const bn = m.at(1) as ck.nn.BatchNorm1d;
  assertClose(y1, ck.div(m.at(0).forward(x) as ck.Tensor, Math.sqrt(1 + 1e-5)), { rtol: 1e-6, atol: 1e-7 }, 'eval uses running stats');
  assert.equal(bn.numBatchesTracked!.item(), 0);
  m.train();
  const y2 = m.forward(x);
  assert.equal(bn.numBatchesTracked!.item(), 1);
  const zeros = y2.dataSync().filter((v) => v === 0).length;
  assert.ok(zeros > 10 && zeros < 54, `about half of 64 outputs dropped, got ${zeros}`);
  // in training mode BatchNorm normalises with the batch statistics: per-feature mean 0 before dropout
  m.at(2).eval();
  const normalised = m.forward(x);
  assertClose(ck.mean(normalised, 0), ck.zeros([4]), { rtol: 0, atol: 1e-5 }, 'batch mean');
});

test('requiresGrad_(false) freezes parameters: backward leaves them without gradients', () => {
  const m = new nn.Sequential(new nn.Linear(3, 3), new nn.ReLU(), new nn.Linear(3, 1));
  m.at(0).requiresGrad_(false);
  ck.sum(m.forward(ck.randn([2, 3]))).backward();
  assert.deepEqual(m.parameters().map((p) => p.grad !== null), [false, false, true, true]);
  m.zeroGrad();
  assert.ok(m.parameters().every((p) => p.grad === null));
});

test('apply visits children before the parent; children/buffers/namedBuffers list what was registered', () => {
  const m = new LeNet5();
  const order: string[] = [];
  m.features.apply((x) => order.push(x.constructor.name));
  assert.deepEqual(order, ['Linear', 'Tanh', 'Dropout', 'Sequential']);
  assert.deepEqual(m.children().map((c) => c.constructor.name), ['Sequential', 'BatchNorm1d', 'Sequential', 'ModuleList', 'ModuleDict']);
  assert.deepEqual(m.namedBuffers().map(([k]) => k), ['bn.running_mean', 'bn.running_var', 'bn.num_batches_tracked']);
  assert.equal(m.buffers().length, 3);
  assert.equal(m.parameters().length, 9);
});

test('Sequential runs its modules in order, indexes like a list, and accepts named modules', () => {
  const a = new nn.Linear(2, 3);
  const b = new nn.Tanh();
  const seq = new nn.Sequential(a, b);
  const x = ck.randn([4, 2]);
  assertClose(seq.forward(x), ck.tanh(a.forward(x)), { rtol: 0, atol: 0 }, 'forward');
  assert.equal(seq.at(-1), b);
  assert.equal(seq.length, 2);
  assert.deepEqual([...seq], [a, b]);
  seq.append(new nn.Linear(3, 1));
  assert.deepEqual(Object.keys(seq.stateDict()), ['0.weight', '0.bias', '2.weight', '2.bias']);
  assert.equal((seq as unknown as Record<string, ck.nn.Module>)['0'], a);
  assert.throws(() => seq.at(3), /Sequential.at: index 3 is out of range for 3 modules/);
  assert.throws(() => new nn.Sequential(a, 'relu' as unknown as ck.nn.Module), /Sequential: expected a Module, got string/);
  const named = new nn.Sequential({ conv: a, act: b });
  assert.equal((named as unknown as Record<string, ck.nn.Module>).conv, a);
  assert.deepEqual(named.namedChildren().map(([k]) => k), ['conv', 'act']);
});

test('ModuleList registers its modules and renumbers them on insert and pop', () => {
  const list = new nn.ModuleList([new nn.Linear(1, 1), new nn.Linear(1, 2)]);
  list.insert(0, new nn.Linear(1, 3));
  assert.deepEqual(Object.keys(list.stateDict()), ['0.weight', '0.bias', '1.weight', '1.bias', '2.weight', '2.bias']);
  assert.deepEqual(list.stateDict()['0.weight'].shape, [3, 1]);
  const popped = list.pop(0) as ck.nn.Linear;
  assert.equal(popped.outFeatures, 3);
  assert.deepEqual(list.stateDict()['0.weight'].shape, [1, 1]);
  assert.equal((list as unknown as Record<string, unknown>)['2'], undefined);
  assert.throws(() => list.forward(), /ModuleList has no forward/);
});

test('ModuleDict keeps insertion order and refuses unknown keys', () => {
  const d = new nn.ModuleDict({ b: new nn.ReLU(), a: new nn.Linear(1, 1) });
  assert.deepEqual(d.keys(), ['b', 'a']);
  assert.deepEqual(Object.keys(d.stateDict()), ['a.weight', 'a.bias']);
  d.set('train2', new nn.Tanh());
  assert.ok(d.has('train2'));
  assert.throws(() => d.get('c'), /no module named "c"/);
  d.pop('a');
  assert.deepEqual(d.keys(), ['b', 'train2']);
  // a key that names a Module method stays a method; the module is reached through get()
  d.set('train', new nn.Sigmoid());
  assert.equal(typeof d.train, 'function');
  assert.equal(d.get('train').constructor.name, 'Sigmoid');
});

test('double() converts parameters and buffers, and float64 models gradcheck', () => {
  const m = new nn.Sequential(new nn.Linear(3, 4), new nn.BatchNorm1d(4), new nn.GELU(), new nn.Linear(4, 2)).double();
  assert.ok(m.parameters().every((p) => p.dtype === 'float64' && p.requiresGrad));
  assert.equal(m.buffers()[0].dtype, 'float64');
  assert.equal((m.at(1) as ck.nn.BatchNorm1d).numBatchesTracked!.dtype, 'int32');
  m.eval();
  assert.ok(ck.autograd.gradcheck((x) => m.forward(x), [ck.randn([5, 3], { dtype: 'float64' })]));
});

test('double() keeps the Parameter objects, so an optimizer built before it still trains the model', () => {
  const model = new nn.Sequential(new nn.Linear(3, 2), new nn.ReLU(), new nn.Linear(2, 1));
  const before = model.parameters();
  model.at(2).requiresGrad_(false);
  const opt = new ck.optim.SGD(model.parameters(), { lr: 0.1 });
  model.double();
  assert.ok(model.parameters().every((p, i) => p === before[i] && p.dtype === 'float64'), 'the same Parameter objects, now float64');
  assert.deepEqual(model.parameters().map((p) => p.requiresGrad), [true, true, false, false]);
  const old = model.parameters().map((p) => ck.clone(ck.detach(p)));
  model.forward(ck.randn([4, 3], { dtype: 'float64' })).sum().backward();
  opt.step();
  // SGD without momentum: p = p - lr·grad, on the parameters the model computes with
  model.parameters().forEach((p, i) => {
    const expected = p.grad ? ck.sub(old[i], ck.mul(p.grad, 0.1)) : old[i];
    assertClose(p, expected, { rtol: 1e-12, atol: 1e-15 }, `parameter ${i}`);
  });
  assert.ok(model.parameters().slice(0, 2).every((p) => p.grad && p.grad.dtype === 'float64'), 'float64 gradients');
});

test('to(dtype) converts existing gradients, keeps tied parameters tied, and accepts only floating dtypes', () => {
  const a = new nn.Linear(2, 2);
  const b = new nn.Linear(2, 2);
  b.weight = a.weight;
  const model = new nn.Sequential(a, b);
  a.weight.grad = ck.ones([2, 2]);
  model.double();
  assert.equal(b.weight, a.weight);
  assert.equal(model.parameters().length, 3);
  assert.equal(a.weight.grad!.dtype, 'float64');
  assert.deepEqual(a.weight.grad!.toArray(), [[1, 1], [1, 1]]);
  model.float();
  assert.ok(model.parameters().every((p) => p.dtype === 'float32'), 'float32 after float()');
  assert.throws(() => model.to('int32'), /Module.to: expected a floating point dtype \(float32 or float64\), got int32/);
  assert.ok(model.parameters().every((p) => p.dtype === 'float32'), 'nothing converted by the refused call');
});

/** Forward hooks and Module.call, with torch.nn.Module's semantics: order, replacement, removal, children reached. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { assertClose } from '../helpers/index.js';

const { nn } = ck;

test('call runs pre-hooks, forward and hooks in registration order; forward stays hook-free', () => {
  const lin = new nn.Linear(3, 2);
  const log: string[] = [];
  lin.registerForwardPreHook(() => { log.push('pre1'); });
  lin.registerForwardPreHook(() => { log.push('pre2'); });
  lin.registerForwardHook(() => { log.push('post'); });
  const x = ck.randn([4, 3]);
  lin.call(x);
  assert.deepEqual(log, ['pre1', 'pre2', 'post']);
  lin.forward(x);
  assert.deepEqual(log, ['pre1', 'pre2', 'post'], 'forward() itself runs no hooks, as in PyTorch');
});

test('a pre-hook replaces the input and a hook replaces the output', () => {
  const relu = new nn.ReLU();
  relu.registerForwardPreHook((_m, [x]) => (x as ck.Tensor).neg());
  relu.registerForwardHook((_m, _inputs, out) => (out as ck.Tensor).mul(10));
  const y = relu.call(ck.tensor([-1, 2]));
  assert.deepEqual(y.toArray(), [10, 0]);
});

test('the hook sees the module, the inputs and the output; remove() unregisters it, twice is harmless', () => {
  const lin = new nn.Linear(3, 2);
  let seen: [ck.nn.Module, unknown[], unknown] | null = null;
  const handle = lin.registerForwardHook((m, inputs, out) => { seen = [m, inputs, out]; });
  const x = ck.randn([1, 3]);
  const y = lin.call(x);
  assert.ok(seen);
  const [m, inputs, out] = seen as [ck.nn.Module, unknown[], unknown];
  assert.equal(m, lin);
  assert.equal(inputs[0], x);
  assert.equal(out, y);
  seen = null;
  handle.remove();
  handle.remove();
  lin.call(x);
  assert.equal(seen, null);
  assert.equal(lin.hasForwardHooks(), false);
});

test('hooks on children fire inside containers and zoo models, and capture what the child computed', () => {
  ck.manualSeed(0);
  const model = ck.models.resnet18({ numClasses: 5 }).eval();
  const captured: Record<string, ck.Tensor> = {};
  for (const name of ['layer1.0.conv1', 'layer1.0.bn2', 'layer2', 'fc']) {
    const m = model.namedModules().find(([n]) => n === name)![1];
    m.registerForwardHook((_m, _i, out) => { captured[name] = out as ck.Tensor; });
  }
  const x = ck.randn([1, 3, 32, 32]);
  const logits = ck.noGrad(() => model.call(x));
  assert.deepEqual(Object.keys(captured).sort(), ['fc', 'layer1.0.bn2', 'layer1.0.conv1', 'layer2']);
  assert.deepEqual(captured['layer1.0.conv1'].shape, [1, 64, 8, 8]);
  assert.deepEqual(captured['layer2'].shape, [1, 128, 4, 4]);
  assert.equal(captured.fc, logits);
  // the hooked BatchNorm ran as a module (not fused away), and the whole model still gives the unhooked numbers
  const fresh = ck.models.resnet18({ numClasses: 5 }).eval();
  fresh.loadStateDict(model.stateDict());
  assertClose(ck.noGrad(() => fresh.call(x)), logits, { atol: 1e-5, rtol: 1e-5 });
});

test('a hook on a Sequential member sees the running value; non-functions are refused', () => {
  const seq = new nn.Sequential(new nn.Linear(2, 2), new nn.ReLU());
  let inner: ck.Tensor | null = null;
  (seq.children()[0]).registerForwardHook((_m, _i, out) => { inner = out as ck.Tensor; });
  const x = ck.randn([3, 2]);
  const y = seq.call(x);
  assert.ok(inner);
  assertClose(ck.relu(inner!), y);
  assert.throws(() => seq.registerForwardHook(42 as never), /registerForwardHook: expected a function/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { assertClose } from '../helpers/index.js';

test('gradients accumulate across backward calls and clear with grad = null', () => {
  const x = ck.tensor([1, 2, 3], { requiresGrad: true });
  x.mul(x).sum().backward(); // d/dx sum(x²) = 2x
  x.mul(x).sum().backward();
  assert.deepEqual(x.grad!.toArray(), [4, 8, 12]);
  x.grad = null;
  x.sum().backward();
  assert.deepEqual(x.grad!.toArray(), [1, 1, 1]);
});

test('a value used twice gets both contributions (product rule through the graph)', () => {
  const x = ck.tensor(3, { requiresGrad: true });
  const y = x.mul(x).mul(x); // y = x³, dy/dx = 3x² = 27
  y.backward();
  assert.equal(x.grad!.item(), 27);
});

test('a second backward through a freed graph is an error unless retainGraph', () => {
  const x = ck.tensor([1, 2], { requiresGrad: true });
  const y = x.exp().sum();
  y.backward(undefined, { retainGraph: true });
  y.backward();
  assert.throws(() => y.backward(), /second time/);
  assertClose(x.grad!, ck.tensor([1, 2]).exp().mul(2));
});

test('backward needs an explicit gradient for non-scalar outputs', () => {
  const x = ck.tensor([1, 2], { requiresGrad: true });
  assert.throws(() => x.mul(2).backward(), /only for scalar outputs, got shape \[2\]/);
  x.mul(2).backward(ck.tensor([1, 10]));
  assert.deepEqual(x.grad!.toArray(), [2, 20]);
  assert.throws(() => x.mul(2).backward(ck.tensor([1, 2, 3])), /gradient of shape \[3\] given for an output of shape \[2\]/);
});

test('noGrad records nothing and returns the function result; enableGrad re-enables inside it', () => {
  const x = ck.tensor([1, 2], { requiresGrad: true });
  const y = ck.noGrad(() => x.mul(2));
  assert.equal(y.requiresGrad, false);
  assert.equal(y.gradFn, null);
  const z = ck.noGrad(() => ck.enableGrad(() => x.mul(2)));
  assert.equal(z.requiresGrad, true);
  assert.equal(ck.isGradEnabled(), true);
});

test('leaves and non-leaves; detach cuts the graph; requiresGrad is only settable on float leaves', () => {
  const x = ck.tensor([1, 2], { requiresGrad: true });
  const y = x.mul(2);
  assert.equal(x.isLeaf, true);
  assert.equal(y.isLeaf, false);
  assert.throws(() => { y.requiresGrad = false; }, /only change requiresGrad of leaf tensors/);
  const d = y.detach();
  assert.equal(d.isLeaf, true);
  assert.equal(d.requiresGrad, false);
  assert.throws(() => ck.tensor([1, 2], { dtype: 'int32', requiresGrad: true }), /only floating point tensors can require gradients, got int32/);
  const w = ck.zeros([2]).requiresGrad_();
  assert.equal(w.requiresGrad, true);
});

test('retainGrad keeps a non-leaf gradient', () => {
  const x = ck.tensor([1, 2], { requiresGrad: true });
  const y = x.mul(3).retainGrad();
  y.square().sum().backward(); // d/dy sum(y²) = 2y = [6, 12]
  assert.deepEqual(y.grad!.toArray(), [6, 12]);
  assert.deepEqual(x.grad!.toArray(), [18, 36]);
});

test('autograd.grad returns input gradients without touching .grad, and createGraph gives second derivatives', () => {
  const x = ck.tensor([0.5, 2], { dtype: 'float64', requiresGrad: true });
  const y = x.pow(3).sum();
  const [g] = ck.autograd.grad(y, [x], { createGraph: true }); // 3x²
  assertClose(g!, ck.tensor([0.75, 12], { dtype: 'float64' }));
  assert.equal(x.grad, null);
  const [h] = ck.autograd.grad(g!.sum(), [x]); // 6x
  assertClose(h!, ck.tensor([3, 12], { dtype: 'float64' }));
});

test('autograd.grad with respect to a non-leaf, and unused inputs', () => {
  const x = ck.tensor([1, 2], { requiresGrad: true });
  const h = x.mul(2);
  const out = h.square().sum();
  const unused = ck.tensor([1], { requiresGrad: true });
  const [gh, gu] = ck.autograd.grad(out, [h, unused], { allowUnused: true });
  assert.deepEqual(gh!.toArray(), [4, 8]); // 2h
  assert.equal(gu, null);
  assert.throws(() => ck.autograd.grad(x.mul(2).sum(), [unused]), /not used in the graph/);
});

test('.grad is its own tensor: modifying it in place does not change other gradients', () => {
  const a = ck.tensor([1, 2], { requiresGrad: true });
  const b = ck.tensor([3, 4], { requiresGrad: true });
  a.add(b).sum().backward(); // both receive the same incoming gradient
  ck.noGrad(() => a.grad!.mul_(10));
  assert.deepEqual(b.grad!.toArray(), [1, 1]);
});

test('in-place changes to tensors that require grad are refused while recording', () => {
  const w = ck.tensor([1, 2], { requiresGrad: true });
  assert.throws(() => w.add_(1), /cannot be modified in place while gradients are recorded/);
  ck.noGrad(() => w.add_(1));
  assert.deepEqual(w.toArray(), [2, 3]);
});

test('views share storage: writing through a slice changes the base', () => {
  const x = ck.zeros([3, 4]);
  x.select(0, 1).fill_(7);
  x.slice(1, 0, 4, 2).add_(1);
  assert.deepEqual(x.toArray(), [[1, 0, 1, 0], [8, 7, 8, 7], [1, 0, 1, 0]]);
  const t = ck.arange(6).reshape([2, 3]).t();
  assert.equal(t.isContiguous(), false);
  assert.throws(() => t.view([6]), /view: shape \[6\] is not compatible/);
  assert.deepEqual(t.reshape([6]).toArray(), [0, 3, 1, 4, 2, 5]);
});

test('a long training-like loop keeps a flat heap (saved tensors are released after backward)', async () => {
  const { setFlagsFromString } = await import('node:v8');
  const { runInNewContext } = await import('node:vm');
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const w = ck.randn([64, 64], { requiresGrad: true });
  const step = (): void => {
    const x = ck.randn([32, 64]);
    const loss = x.matmul(w).tanh().square().mean();
    loss.backward();
    ck.noGrad(() => w.sub_(w.grad!.mul(0.01)));
    w.grad = null;
  };
  for (let i = 0; i < 300; i++) step();
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 3000; i++) step();
  gc();
  const growth = process.memoryUsage().heapUsed - before;
  // one step allocates ~100 KB of tensors; 3000 retained steps would be ~300 MB
  assert.ok(growth < 4 * 1024 * 1024, `heap grew by ${(growth / 1048576).toFixed(1)} MiB over 3000 steps`);
});

test('.grad never shares storage with another .grad, a passed-through gradient or the caller\'s seed', () => {
  // add's backward hands the same gradient tensor to both leaves
  const a = ck.ones([3], { requiresGrad: true });
  const b = ck.ones([3], { requiresGrad: true });
  ck.sum(ck.add(a, b)).backward();
  assert.notEqual(a.grad!.storage, b.grad!.storage);
  ck.noGrad(() => a.grad!.mul_(5));
  assert.deepEqual(b.grad!.toArray(), [1, 1, 1]);
  // reshape passes the seed through as a view
  const x = ck.ones([2, 3], { requiresGrad: true });
  const seed = ck.full([6], 2);
  x.reshape([6]).backward(seed);
  assert.notEqual(x.grad!.storage, seed.storage);
  // a leaf root gets a copy of its seed
  const leaf = ck.ones([2], { requiresGrad: true });
  const leafSeed = ck.full([2], 3);
  leaf.backward(leafSeed);
  assert.notEqual(leaf.grad!.storage, leafSeed.storage);
  // a fresh gradient (here mul's) may become .grad as it is; it is still detached
  const w = ck.ones([4], { requiresGrad: true });
  ck.sum(ck.mul(w, ck.full([4], 2))).backward();
  assert.deepEqual(w.grad!.toArray(), [2, 2, 2, 2]);
  assert.equal(w.grad!.requiresGrad, false);
  assert.equal(w.grad!.gradFn, null);
});

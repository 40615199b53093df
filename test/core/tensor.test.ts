import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';

test('creation from nested arrays, numbers, booleans and typed arrays', () => {
  const a = ck.tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(a.shape, [2, 3]);
  assert.equal(a.dtype, 'float32');
  assert.equal(ck.tensor(2.5).ndim, 0);
  assert.equal(ck.tensor([true, false]).dtype, 'bool');
  const b = ck.tensor(new Int32Array([1, 2, 3, 4]), { shape: [2, 2] });
  assert.equal(b.dtype, 'int32');
  assert.deepEqual(b.toArray(), [[1, 2], [3, 4]]);
  assert.equal(ck.tensor(new Float64Array(3)).dtype, 'float64');
  assert.deepEqual(ck.tensor([1.7, -1.7], { dtype: 'int32' }).toArray(), [1, -1]);
});

test('creation errors name the problem', () => {
  assert.throws(() => ck.tensor([[1, 2], [3]]), /ragged/);
  assert.throws(() => ck.tensor(new Float32Array(5), { shape: [2, 2] }), /shape \[2,2\] needs 4 elements, got a typed array of 5/);
  assert.throws(() => ck.zeros([2, -1]), /invalid shape/);
  assert.throws(() => ck.tensor([1], { dtype: 'float16' as ck.DType }), /unknown dtype "float16"/);
  assert.throws(() => ck.arange(0, 5, 0), /arange: invalid range/);
  assert.throws(() => ck.randint(5, 2, [3]), /randint: expected integers low < high/);
});

test('factory functions and *Like variants', () => {
  assert.deepEqual(ck.full([2], 7).toArray(), [7, 7]);
  assert.deepEqual(ck.onesLike(ck.zeros([2, 1], { dtype: 'int32' })).toArray(), [[1], [1]]);
  assert.equal(ck.zerosLike(ck.zeros([1], { dtype: 'float64' })).dtype, 'float64');
  assert.equal(ck.arange(5).dtype, 'int32'); // integer arguments give integers, as torch.arange gives int64
  assert.equal(ck.arange(0, 1, 0.25).dtype, 'float32');
  const r = ck.randint(0, 3, [1000]);
  assert.ok(r.toArray().toString().split(',').every((v) => ['0', '1', '2'].includes(v)));
  assert.deepEqual([...ck.randperm(5).dataSync()].sort(), [0, 1, 2, 3, 4]);
});

test('manualSeed makes every random function reproducible', () => {
  ck.manualSeed(42);
  const a = [ck.rand([3]), ck.randn([3]), ck.randint(0, 100, [3]), ck.randperm(4)].map((t) => t.toArray());
  ck.manualSeed(42);
  const b = [ck.rand([3]), ck.randn([3]), ck.randint(0, 100, [3]), ck.randperm(4)].map((t) => t.toArray());
  assert.deepEqual(a, b);
  const g = new ck.Generator(7);
  const c = ck.rand([4], { generator: g }).toArray();
  assert.deepEqual(ck.rand([4], { generator: new ck.Generator(7) }).toArray(), c);
});

test('rand and randn have the moments of U[0,1) and N(0,1)', () => {
  ck.manualSeed(1);
  const n = 200000;
  const u = ck.rand([n], { dtype: 'float64' });
  const z = ck.randn([n], { dtype: 'float64' });
  // standard errors: mean of U is 1/2 ± 0.29/sqrt(n); variance 1/12
  assert.ok(Math.abs(u.mean().item() - 0.5) < 0.005);
  assert.ok(Math.abs(u.var().item() - 1 / 12) < 0.002);
  assert.ok(Math.abs(z.mean().item()) < 0.01);
  assert.ok(Math.abs(z.std().item() - 1) < 0.01);
  assert.ok(u.amin().item() >= 0 && u.amax().item() < 1);
});

test('reading: shape, numel, item, data, toArray', async () => {
  const x = ck.arange(6).reshape([2, 3]);
  assert.equal(x.numel(), 6);
  assert.deepEqual(x.size(), [2, 3]);
  assert.equal(x.size(-1), 3);
  assert.deepEqual([...(await x.t().data())], [0, 3, 1, 4, 2, 5]);
  assert.equal(ck.tensor([[4]]).item(), 4);
  assert.throws(() => x.item(), /item: a tensor with 6 elements \(shape \[2,3\]\) cannot be converted to a scalar/);
  assert.deepEqual(ck.tensor([true, false]).toArray(), [true, false]);
});

test('scalars keep the tensor dtype as Python scalars do; 0-d tensors do not widen', () => {
  assert.equal(ck.tensor([1, 2], { dtype: 'int32' }).add(1).dtype, 'int32');
  assert.equal(ck.tensor([1, 2], { dtype: 'int32' }).mul(0.5).dtype, 'float32');
  assert.equal(ck.tensor([1, 2], { dtype: 'int32' }).div(2).dtype, 'float32');
  assert.equal(ck.tensor([1, 2]).add(ck.tensor(1, { dtype: 'float64' })).dtype, 'float32');
  assert.equal(ck.tensor([1, 2]).add(ck.tensor([1, 1], { dtype: 'float64' })).dtype, 'float64');
  assert.equal(ck.tensor([1, 2]).gt(1).dtype, 'bool');
  assert.deepEqual(ck.tensor([-7, 7], { dtype: 'int32' }).remainder(3).toArray(), [2, 1]);
  assert.deepEqual(ck.tensor([-7, 7], { dtype: 'int32' }).floorDivide(2).toArray(), [-4, 3]);
});

test('bad input errors name the op and the shapes', () => {
  const a = ck.zeros([2, 3]);
  assert.throws(() => ck.matmul(a, ck.zeros([4, 5])), /matmul: cannot multiply \[2,3\] by \[4,5\]/);
  assert.throws(() => ck.add(a, ck.zeros([4])), /add: shapes \[2,3\] and \[4\] cannot be broadcast together/);
  assert.throws(() => a.sum(2), /sum: dim 2 out of range for a tensor of rank 2 \(expected -2\.\.1\)/);
  assert.throws(() => a.reshape([4, -1]), /reshape: shape \[4,-1\] is invalid for input \[2,3\] of size 6/);
  assert.throws(() => ck.cat([a, ck.zeros([3, 3])], 1), /cat: sizes of tensors must match except in dim 1: tensor 0 is \[2,3\], tensor 1 is \[3,3\]/);
  assert.throws(() => ck.stack([a, ck.zeros([2, 2])]), /stack: expects each tensor to be equal size/);
  assert.throws(() => a.expand([3, 3]), /expand: the expanded size 3 must match the existing size 2 at dim 0/);
  assert.throws(() => a.narrow(1, 2, 2), /narrow: start 2 and length 2 exceed dim 1 of size 3/);
  assert.throws(() => a.select(0, 5), /select: index 5 is out of bounds for dim 0 with size 2/);
  assert.throws(() => ck.gather(a, 1, ck.tensor([[0, 3]], { dtype: 'int32' })), /gather: index 3 is out of bounds for dimension of size 3/);
  assert.throws(() => ck.gather(a, 1, ck.tensor([[0, 1]])), /gather: expected an int32 index tensor/);
  assert.throws(() => ck.matmul(a, ck.zeros([3, 2], { dtype: 'float64' })), /matmul: expected both inputs to have the same dtype, got float32 and float64/);
  assert.throws(() => a.mean(0).int().mean(), /mean: .*input dtype must be floating, got int32/);
  assert.throws(() => a.permute([0]), /permute: number of dims 1 does not match the rank 2 of \[2,3\]/);
  assert.throws(() => ck.split(a, [1, 1], 1), /split: split sizes \[1,1\] sum to 2, but dim 1 of \[2,3\] has size 3/);
  assert.throws(() => ck.zeros([0]).amax(), /amax: cannot reduce over a zero-size dimension of \[0\]/);
  assert.throws(() => ck.where(ck.zeros([2]), a, a), /where: expected a bool condition tensor/);
});

test('backends: selection, scoped selection, and clear errors', async () => {
  assert.ok(ck.backendNames().includes('reference'));
  const before = ck.getBackend();
  assert.throws(() => ck.setBackend('nope'), /setBackend: unknown backend 'nope', available: /);
  await assert.rejects(ck.ready('nope'), /ready: unknown backend 'nope'/);
  assert.equal(ck.withBackend('reference', () => ck.getBackend()), 'reference');
  assert.equal(ck.getBackend(), before);
});

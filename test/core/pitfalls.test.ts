/** The JavaScript pitfalls of transcribing PyTorch code (issue 13, item 3), each refused or made to work. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ck from '../../src/index.js';

const { nn } = ck;

test('arithmetic operators on tensors throw, pointing to the method', () => {
  let out = ck.ones([2]);
  const x = ck.ones([2]);
  assert.throws(() => {
    // @ts-expect-error: what a JavaScript user writes from `out += x`
    out += x;
  }, /Tensor: JavaScript operators .* `out = out.add\(x\)` for `out \+= x`/);
  // @ts-expect-error: a comparison converts to numbers
  assert.throws(() => x < 0, /x\.lt\(0\)/);
  assert.match(`${x}`, /^tensor\(\[1\., 1\.\]\)$/);
  assert.equal(String(x), x.toString());
  out = out.add(x);
  assert.deepEqual(Array.from(out.dataSync()), [2, 2]);
});

test('reshape, view, expand and permute take sizes as arguments or as one array', () => {
  const x = ck.arange(24);
  assert.deepEqual(x.view(-1, 8).shape, [3, 8]);
  assert.deepEqual(x.view([-1, 8]).shape, [3, 8]);
  assert.deepEqual(x.reshape(2, 3, 4).permute(2, 0, 1).shape, [4, 2, 3]);
  assert.deepEqual(ck.ones([1, 3]).expand(4, 3).shape, [4, 3]);
  assert.throws(() => x.view('2' as never, 12), /view: expected shape to be an integer or an array of integers, got '2' \(a string\)/);
});

test('max and min along a dim destructure as (values, indices) and keep .values/.indices', () => {
  const x = ck.tensor([[1, 5, 2], [7, 0, 3]]);
  const [values, indices] = x.max(1);
  assert.deepEqual(Array.from(values.dataSync()), [5, 7]);
  assert.deepEqual(Array.from(indices.dataSync()), [1, 0]);
  const r = x.min(0, true);
  assert.deepEqual(r.values.shape, [1, 3]);
  assert.deepEqual(Array.from(r.indices.dataSync()), [0, 1, 0]);
  assert.deepEqual(Array.from(ck.max(x, ck.full([2, 3], 4)).dataSync()), [4, 5, 4, 7, 4, 4]);
  assert.equal(x.max().item(), 7);
});

test('noGrad refuses async callbacks instead of re-enabling gradients after the first await', () => {
  const w = ck.ones([2], { requiresGrad: true });
  assert.throws(() => ck.noGrad(async () => w.mul(2)), /noGrad: got an async function; the grad mode cannot stay switched across await/);
  assert.throws(() => ck.noGrad(() => Promise.resolve(w.mul(2))), /returned a Promise/);
  assert.equal(ck.isGradEnabled(), true);
  assert.equal(ck.noGrad(() => w.mul(2)).requiresGrad, false);
});

test('requiresGrad is assignable on parameters, for freezing layers', () => {
  const fc = new nn.Linear(2, 3);
  fc.weight.requiresGrad = false;
  assert.equal(fc.weight.requiresGrad, false);
  fc.forward(ck.ones([1, 2])).sum().backward();
  assert.equal(fc.weight.grad, null);
  assert.ok(fc.bias!.grad);
});

test('Sequential: at(-1), set(-1, layer) and construction from a Map (OrderedDict)', () => {
  const seq = new nn.Sequential(new Map<string, ck.nn.Module>([['conv', new nn.Conv2d(1, 2, 3)], ['fc', new nn.Linear(4, 10)]]));
  assert.deepEqual(Object.keys(seq.stateDict()), ['conv.weight', 'conv.bias', 'fc.weight', 'fc.bias']);
  assert.ok(seq.at(-1) instanceof nn.Linear);
  seq.set(-1, new nn.Linear(4, 2));
  assert.equal((seq.at(-1) as ck.nn.Linear).outFeatures, 2);
  assert.deepEqual(Object.keys(seq.stateDict()), ['conv.weight', 'conv.bias', 'fc.weight', 'fc.bias']);
  assert.throws(() => seq.set(2, new nn.ReLU()), /Sequential\.set: index 2 is out of range for 2 modules/);
});

test('attributes starting with _ register, as in PyTorch; buffers read as attributes', () => {
  class Net extends nn.Module {
    _head = new nn.Linear(2, 1);
    bn = new nn.BatchNorm1d(2);
    forward(x: ck.Tensor): ck.Tensor {
      return this._head.forward(this.bn.forward(x));
    }
  }
  const net = new Net();
  assert.deepEqual(Object.keys(net.stateDict()).slice(0, 2), ['_head.weight', '_head.bias']);
  assert.equal(net.parameters().length, 4);
  const bn = net.bn as unknown as Record<string, ck.Tensor>;
  assert.equal(bn.running_mean, net.bn.runningMean);
  bn.running_var = ck.full([2], 3);
  assert.deepEqual(Array.from(net.bn.runningVar!.dataSync()), [3, 3]);
});

test('integer typed arrays become int32 tensors (int64 labels with a range check), never bool', () => {
  assert.equal(ck.tensor(new Uint8Array([0, 1, 2])).dtype, 'int32');
  assert.deepEqual(Array.from(ck.tensor(new Uint8Array([0, 1, 200])).dataSync()), [0, 1, 200]);
  assert.equal(ck.tensor(new Int16Array([-3, 4])).dtype, 'int32');
  const labels = ck.tensor(new BigInt64Array([3n, 0n, 9n]));
  assert.equal(labels.dtype, 'int32');
  assert.deepEqual(Array.from(labels.dataSync()), [3, 0, 9]);
  assert.deepEqual(Array.from(ck.tensor(new Uint32Array([7, 2147483647])).dataSync()), [7, 2147483647]);
  assert.throws(() => ck.tensor(new BigInt64Array([2n ** 40n])), /tensor: element 0 of the BigInt64Array is 1099511627776, outside int32/);
  assert.throws(() => ck.tensor(new Uint32Array([2 ** 32 - 1])), /outside int32/);
  assert.equal(ck.tensor(new Uint8Array([0, 1]), { dtype: 'bool' }).dtype, 'bool');
  // a loss takes int64 labels as PyTorch hands them over
  const loss = ck.nn.functional.crossEntropy(ck.zeros([3, 10]), ck.tensor(new BigInt64Array([3n, 0n, 9n])));
  assert.ok(Math.abs(loss.item() - Math.log(10)) < 1e-6);
});

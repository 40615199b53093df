/** Dropout's distribution (its random stream cannot match PyTorch's): drop rate, 1/(1-p) scaling, channel masks, modes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';

const F = ck.nn.functional;

test('dropout zeroes a fraction p of the elements and scales the rest by 1/(1-p)', () => {
  const n = 100000;
  const y = F.dropout(ck.ones([n]), { p: 0.3, generator: new ck.Generator(5) }).dataSync();
  const dropped = y.filter((v) => v === 0).length / n;
  // binomial standard error √(p(1-p)/n) ≈ 0.0014: 5 of them
  assert.ok(Math.abs(dropped - 0.3) < 0.007, `dropped fraction ${dropped}`);
  assert.ok(y.every((v) => v === 0 || v === Math.fround(1 / 0.7)), 'kept values are 1/(1-p)');
});

test('the gradient flows through the kept elements with the same scale', () => {
  const x = ck.randn([1000], { requiresGrad: true });
  const y = F.dropout(x, { p: 0.5 });
  ck.sum(y).backward();
  const g = x.grad!.dataSync();
  const kept = y.dataSync().map((v) => (v !== 0 ? 1 : 0));
  g.forEach((v, i) => assert.equal(v, kept[i] ? 2 : 0));
});

test('dropout is the identity when not training or with p = 0, and all zeros with p = 1', () => {
  const x = ck.randn([4, 5]);
  assert.equal(F.dropout(x, { training: false }), x);
  assert.equal(F.dropout(x, { p: 0 }), x);
  assert.ok(F.dropout(x, { p: 1 }).dataSync().every((v) => v === 0));
});

test('dropout2d and dropout3d drop whole channels', () => {
  const x = ck.ones([8, 16, 3, 3]);
  const y = F.dropout2d(x, { p: 0.5, generator: new ck.Generator(1) });
  const perChannel = ck.amax(ck.reshape(y, [128, 9]), 1).dataSync();
  const channelMin = ck.amin(ck.reshape(y, [128, 9]), 1).dataSync();
  perChannel.forEach((v, i) => assert.equal(v, channelMin[i], `channel ${i} is all dropped or all kept`));
  const dropped = perChannel.filter((v) => v === 0).length;
  assert.ok(dropped > 30 && dropped < 98, `${dropped} of 128 channels dropped`);
  const v = F.dropout3d(ck.ones([4, 2, 2, 2]), { p: 0.5, generator: new ck.Generator(3) });
  const chans = ck.reshape(v, [4, 8]);
  assert.deepEqual(ck.amax(chans, 1).dataSync(), ck.amin(chans, 1).dataSync(), 'unbatched [C, D, H, W]: per-channel');
  const d1 = F.dropout1d(ck.ones([6, 10, 7]), { p: 0.5, generator: new ck.Generator(4) });
  assert.deepEqual(ck.amax(d1, 2).dataSync(), ck.amin(d1, 2).dataSync());
});

test('dropout layers follow train()/eval() and print like PyTorch', () => {
  const d = new ck.nn.Dropout2d({ p: 0.25 });
  const x = ck.ones([2, 40, 1, 1]);
  assert.ok(d.forward(x).dataSync().some((v) => v === 0));
  d.eval();
  assert.equal(d.forward(x), x);
  assert.equal(d.toString(), 'Dropout2d(p=0.25, inplace=False)');
});

test('invalid probabilities and ranks are refused', () => {
  assert.throws(() => F.dropout(ck.ones([2]), { p: 1.5 }), /dropout: p has to be between 0 and 1, got 1.5/);
  assert.throws(() => new ck.nn.Dropout({ p: -0.1 }), /Dropout: p has to be between 0 and 1, got -0.1/);
  assert.throws(() => F.dropout2d(ck.ones([2, 3])), /dropout2d: expected a 3-D or 4-D input \(\[N,C,L\] or \[N,C,H,W\]\), got \[2,3\]/);
  assert.throws(() => F.dropout3d(ck.ones([2, 3, 4])), /dropout3d: expected a 4-D or 5-D input/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { storageVersion } from '../../src/core/version.js';
import { scaleAdd_ } from '../../src/ops/scale-add.js';

// Backends cache derived forms of weights on (storage, version): every in-place write must move the version on.
test('storage version: fresh tensors start at 0, reads and out-of-place ops leave it alone', () => {
  const x = ck.tensor([1, 2, 3]);
  assert.equal(storageVersion(x.storage), 0);
  x.add(1);
  x.dataSync();
  assert.equal(storageVersion(x.storage), 0);
});

test('storage version: every in-place op bumps it, through any view of the storage', () => {
  const x = ck.zeros([2, 3]);
  const writes: [string, () => void][] = [
    ['copy_', () => x.copy_(ck.ones([2, 3]))],
    ['add_', () => x.add_(1)],
    ['mul_', () => x.mul_(2)],
    ['fill_', () => x.fill_(3)],
    ['zero_', () => x.zero_()],
    ['clamp_', () => x.clamp_(0, 1)],
    ['maskedFill_', () => x.maskedFill_(ck.tensor([true, false, true]), 5)],
    ['row view add_', () => x.select(0, 1).add_(1)],
    ['scaleAdd_', () => scaleAdd_(x, 0.5, ck.ones([2, 3]), 1)],
    ['init.normal_', () => ck.nn.init.normal_(x)],
  ];
  let v = storageVersion(x.storage);
  for (const [name, write] of writes) {
    write();
    const next = storageVersion(x.storage);
    assert.ok(next > v, `${name} did not bump the version`);
    v = next;
  }
});

test('storage version: an optimiser step bumps every parameter it updates', () => {
  const lin = new ck.nn.Linear(3, 2);
  const opt = new ck.optim.SGD(lin.parameters(), { lr: 0.1, momentum: 0.9 });
  const before = lin.parameters().map((p) => storageVersion(p.storage));
  lin.call(ck.ones([4, 3])).sum().backward();
  opt.step();
  lin.parameters().forEach((p, i) => assert.ok(storageVersion(p.storage) > before[i]));
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as ck from '../../src/index.js';
import { F, randn64 } from './support.js';


describe('localResponseNorm', () => {
  test("PyTorch's formula b_c = a_c / (k + alpha/n · Σ a²)^beta over channels c - n/2 .. c + (n-1)/2", () => {
    const x = ck.tensor([1, 2, 3]).reshape([1, 3, 1]);
    const y = F.localResponseNorm(x, 2, { alpha: 1, beta: 1, k: 1 });
    // size 2 sums channels c-1 and c: c0 → 0 + 1, c1 → 1 + 4, c2 → 4 + 9, divided by size 2
    const expected = [1 / (1 + 1 / 2), 2 / (1 + 5 / 2), 3 / (1 + 13 / 2)].map(Math.fround);
    assert.deepEqual(Array.from(y.dataSync()), expected);
  });

  test('gradcheck (float64) on 3-D and 4-D inputs', () => {
    ck.manualSeed(61);
    assert.ok(ck.autograd.gradcheck((x) => F.localResponseNorm(x, 3, { alpha: 0.5, beta: 0.75, k: 2 }), [randn64([2, 4, 3])]));
    assert.ok(ck.autograd.gradcheck((x) => F.localResponseNorm(x, 2), [randn64([1, 5, 2, 3])]));
  });

  test('errors', () => {
    assert.throws(() => F.localResponseNorm(ck.zeros([2, 3]), 2), /localResponseNorm: expected an input of 3 or more dims \[N, C, \.\.\.\], got \[2,3\]/);
    assert.throws(() => F.localResponseNorm(ck.zeros([1, 2, 3]), 0), /localResponseNorm: size must be a positive integer, got 0/);
  });
});

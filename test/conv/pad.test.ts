import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as ck from '../../src/index.js';
import { F, randn64 } from './support.js';


describe('pad', () => {
  const x = ck.tensor([[[1, 2, 3]]]);
  const row = (t: ck.Tensor): number[] => Array.from(t.dataSync());

  test('each mode on [1, 2, 3] padded by (2, 2) (hand-derived)', () => {
    assert.deepEqual(row(F.pad(x, [2, 2])), [0, 0, 1, 2, 3, 0, 0]);
    assert.deepEqual(row(F.pad(x, [2, 2], { value: -1 })), [-1, -1, 1, 2, 3, -1, -1]);
    assert.deepEqual(row(F.pad(x, [2, 2], { mode: 'reflect' })), [3, 2, 1, 2, 3, 2, 1]);
    assert.deepEqual(row(F.pad(x, [2, 2], { mode: 'replicate' })), [1, 1, 1, 2, 3, 3, 3]);
    assert.deepEqual(row(F.pad(x, [2, 2], { mode: 'circular' })), [2, 3, 1, 2, 3, 1, 2]);
    assert.deepEqual(row(F.pad(x, [-1, 1])), [2, 3, 0]); // negative padding crops
  });

  test("PyTorch's order: the last dim's pair first", () => {
    const y = F.pad(ck.ones([1, 2, 2]), [1, 0, 0, 2]);
    assert.deepEqual(y.shape, [1, 4, 3]);
    assert.deepEqual(y.toArray(), [[[0, 1, 1], [0, 1, 1], [0, 0, 0], [0, 0, 0]]]);
  });

  test('gradcheck (float64) for every mode', () => {
    ck.manualSeed(41);
    for (const mode of ['constant', 'reflect', 'replicate', 'circular'] as const) {
      assert.ok(ck.autograd.gradcheck((t) => F.pad(t, [2, 1, -1, 2], { mode }), [randn64([2, 3, 4])]), mode);
    }
  });

  test('errors', () => {
    assert.throws(() => F.pad(x, [1]), /pad: expected an even-length list of integers/);
    assert.throws(() => F.pad(x, [1, 1, 1, 1, 1, 1, 1, 1]), /pad: 4 padded dims is too many for an input of shape \[1,1,3\]/);
    assert.throws(() => F.pad(x, [3, 0], { mode: 'reflect' }), /pad: mode 'reflect' padding \(3, 0\) must be smaller than the size 3 of dim 2/);
    assert.throws(() => F.pad(x, [4, 0], { mode: 'circular' }), /pad: mode 'circular' padding \(4, 0\) must be at most the size 3 of dim 2/);
    assert.throws(() => F.pad(ck.zeros([3]), [1, 1], { mode: 'replicate' }), /pad: mode 'replicate' pads the last 1 to 3 dims of a \[C, \.\.\.\] or \[N, C, \.\.\.\] input/);
    assert.throws(() => F.pad(x, [1, 1], { mode: 'reflect', value: 2 }), /pad: a padding value \(2\) only applies to mode 'constant'/);
    assert.throws(() => F.pad(x, [-2, -2]), /pad: dim 2 of size 3 padded by \(-2, -2\) would have negative size -1/);
    assert.throws(() => F.pad(x, [1, 1], { mode: 'wrap' as 'circular' }), /pad: expected mode to be one of 'constant', 'reflect', 'replicate', 'circular', got 'wrap'/);
  });
});

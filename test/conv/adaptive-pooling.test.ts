import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as ck from '../../src/index.js';
import { assertClose } from '../helpers/index.js';
import { F, randn64 } from './support.js';


describe('adaptive pooling', () => {
  test("windows follow PyTorch's [floor(o·n/out), ceil((o+1)·n/out)) rule: 5 → 3 overlaps at 1 and 3", () => {
    const x = ck.tensor([[[1, 2, 3, 4, 5]]]);
    // windows [0,2), [1,4), [3,5)
    assert.deepEqual(Array.from(F.adaptiveAvgPool1d(x, 3).dataSync()), [1.5, 3, 4.5]);
    const [y, idx] = F.adaptiveMaxPool1d(x, 3, { returnIndices: true });
    assert.deepEqual(Array.from(y.dataSync()), [2, 4, 5]);
    assert.deepEqual(Array.from(idx.dataSync()), [1, 3, 4]);
  });

  test('global average pooling is the mean over the spatial dims; null keeps a dim', () => {
    ck.manualSeed(31);
    const x = ck.randn([2, 3, 7, 5]);
    assertClose(F.adaptiveAvgPool2d(x, 1), ck.mean(x, [2, 3], true), { rtol: 1e-6, atol: 1e-6 });
    assert.deepEqual(F.adaptiveAvgPool2d(x, [null, 2]).shape, [2, 3, 7, 2]);
    assert.deepEqual(F.adaptiveMaxPool2d(ck.randn([3, 4, 4]), [2, null]).shape, [3, 2, 4]);
  });

  test('gradcheck (float64), including output sizes larger than the input', () => {
    ck.manualSeed(32);
    const g = ck.autograd.gradcheck;
    assert.ok(g((x) => F.adaptiveAvgPool2d(x, [3, 4]), [randn64([1, 2, 5, 3])]));
    assert.ok(g((x) => F.adaptiveAvgPool3d(x, [2, 1, 3]), [randn64([1, 1, 3, 4, 5])]));
    assert.ok(g((x) => F.adaptiveMaxPool2d(x, [2, 3]), [randn64([2, 1, 5, 7])]));
    assert.ok(g((x) => F.adaptiveMaxPool1d(x, 4), [randn64([2, 3])]));
  });

  test('errors', () => {
    const x = ck.zeros([1, 2, 4, 4]);
    assert.throws(() => F.adaptiveAvgPool2d(x, [2, 0]), /adaptiveAvgPool2d: outputSize must be a positive integer or a list of 2 \(null keeps the input size\), got \[2,0\]/);
    assert.throws(() => F.adaptiveMaxPool2d(x, [2, 2, 2]), /adaptiveMaxPool2d: outputSize must be a positive integer or a list of 2/);
    assert.throws(() => F.adaptiveAvgPool1d(ck.zeros([1, 2, 0]), 2), /adaptiveAvgPool1d: input \[1,2,0\] has an empty spatial dim 0/);
    assert.throws(() => F.adaptiveAvgPool3d(ck.zeros([4, 4]), 1), /adaptiveAvgPool3d: expected a 4-D \(unbatched\) or 5-D \(batched\) input, got \[4,4\]/);
  });
});

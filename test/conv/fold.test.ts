import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as ck from '../../src/index.js';
import { assertClose } from '../helpers/index.js';
import { F, randn64 } from './support.js';


describe('unfold and fold', () => {
  test('fold(unfold(x)) multiplies each pixel by the number of patches that cover it', () => {
    ck.manualSeed(51);
    const x = ck.randn([2, 3, 5, 4]);
    const opts = { padding: 1 };
    const counts = F.fold(F.unfold(ck.onesLike(x), 3, opts), [5, 4], 3, opts);
    assertClose(F.fold(F.unfold(x, 3, opts), [5, 4], 3, opts), ck.mul(x, counts), { rtol: 1e-6, atol: 1e-6 });
    assert.deepEqual(Array.from(ck.select(ck.select(counts, 0, 0), 0, 0).dataSync()).slice(0, 4), [4, 6, 6, 4]); // corner 2×2, edges 2×3
  });

  test('conv2d is a matrix product with the unfolded input', () => {
    ck.manualSeed(52);
    const x = ck.randn([2, 3, 6, 5]);
    const w = ck.randn([4, 3, 3, 2]);
    const cols = F.unfold(x, [3, 2], { stride: 2, dilation: [1, 2] });
    const y = ck.matmul(w.reshape([4, -1]), cols).reshape([2, 4, 2, 2]);
    assertClose(y, F.conv2d(x, w, null, { stride: 2, dilation: [1, 2] }), { rtol: 1e-5, atol: 1e-5 });
  });

  test('gradcheck (float64), batched and unbatched', () => {
    ck.manualSeed(53);
    assert.ok(ck.autograd.gradcheck((t) => F.unfold(t, [2, 3], { padding: [1, 0], stride: [1, 2] }), [randn64([2, 2, 3, 5])]));
    assert.ok(ck.autograd.gradcheck((t) => F.fold(t, [4, 3], 2, { dilation: [2, 1] }), [randn64([8, 4])]));
  });

  test('errors', () => {
    assert.throws(() => F.unfold(ck.zeros([1, 1, 2, 2]), 3), /unfold: spatial size \[2,2\] with kernelSize \[3,3\], dilation \[1,1\], padding \[0,0\], stride \[1,1\] gives \[0,0\] sliding blocks; each must be at least 1/);
    assert.throws(() => F.fold(ck.zeros([1, 5, 4]), [3, 3], 2), /fold: expected dim 1 of input \[1,5,4\] to be divisible by the kernel's 4 positions/);
    assert.throws(() => F.fold(ck.zeros([1, 4, 5]), [3, 3], 2), /fold: expected input \[1,4,5\] to have 4 columns \(\[2,2\] sliding blocks for outputSize \[3,3\]\), got 5/);
    assert.throws(() => F.fold(ck.zeros([4]), [3, 3], 2), /fold: expected a 2-D \(unbatched\) or 3-D \(batched\) input/);
  });
});

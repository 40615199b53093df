import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as ck from '../../src/index.js';
import { assertPathsAgree, F, randn64 } from './support.js';


describe('convTranspose', () => {
  test('gradcheck (float64) for input, weight and bias', () => {
    ck.manualSeed(11);
    const g = ck.autograd.gradcheck;
    assert.ok(g((x, w, b) => F.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1, groups: 2 }), [randn64([1, 4, 3, 2]), randn64([4, 1, 3, 3]), randn64([2])]));
    assert.ok(g((x, w) => F.convTranspose1d(x, w, null, { stride: 3, dilation: 2, outputPadding: 1 }), [randn64([2, 2, 3]), randn64([2, 3, 2])]));
    assert.ok(g((x, w) => F.convTranspose3d(x, w, null, { stride: [1, 2, 1] }), [randn64([1, 2, 2, 2, 2]), randn64([2, 1, 2, 2, 2])]));
  });

  test('is the adjoint of conv: <convTranspose(y, w), x> = <y, conv(x, w)>', () => {
    ck.manualSeed(12);
    const opts = { stride: 2, padding: 1, groups: 2 };
    const x = randn64([2, 4, 7, 7]);
    const w = randn64([6, 2, 3, 3]);
    const y = randn64([2, 6, 4, 4]);
    const lhs = ck.sum(ck.mul(F.convTranspose2d(y, w, null, opts), x)).item();
    const rhs = ck.sum(ck.mul(y, F.conv2d(x, w, null, opts))).item();
    assert.ok(Math.abs(lhs - rhs) < 1e-9 * Math.abs(rhs), `${lhs} vs ${rhs}`);
  });

  test('direct loops and im2col + GEMM agree', () => {
    ck.manualSeed(13);
    assertPathsAgree((x, w, b) => F.convTranspose2d(x, w, b, { stride: [2, 3], padding: [1, 0], outputPadding: [1, 2], dilation: [1, 2], groups: 2 }),
      [randn64([2, 4, 4, 3]), randn64([4, 3, 3, 2]), randn64([6])], 'convTranspose2d');
  });

  test('errors', () => {
    const x = ck.zeros([1, 4, 5, 5]);
    assert.throws(() => F.convTranspose2d(x, ck.zeros([3, 2, 3, 3])), /convTranspose2d: expected input with 3 channels \(weight \[3,2,3,3\], groups 1\), got \[1,4,5,5\]/);
    assert.throws(() => F.convTranspose2d(x, ck.zeros([4, 2, 3, 3]), null, { groups: 3 }), /convTranspose2d: in channels 4 \(weight \[4,2,3,3\]\) must be divisible by groups 3/);
    assert.throws(() => F.convTranspose2d(x, ck.zeros([4, 2, 3, 3]), null, { stride: 2, outputPadding: 2 }), /convTranspose2d: outputPadding 2 must be smaller than either stride 2 or dilation 1/);
    assert.throws(() => F.convTranspose1d(ck.zeros([1, 1, 1]), ck.zeros([1, 1, 1]), null, { padding: 1 }), /convTranspose1d: padding 1 leaves an output size of -1/);
    assert.throws(() => F.convTranspose2d(x, ck.zeros([4, 2, 3, 3]), ck.zeros([4])), /convTranspose2d: expected a bias of shape \[2\], got \[4\]/);
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as ck from '../../src/index.js';
import { assertClose } from '../helpers/index.js';
import { assertPathsAgree, F, randn64 } from './support.js';


describe('max pooling', () => {
  test('CS231n example: 2×2 filters with stride 2 on [[1,1,2,4],[5,6,7,8],[3,2,1,0],[1,2,3,4]] give [[6,8],[3,4]]', () => {
    const x = ck.tensor([[1, 1, 2, 4], [5, 6, 7, 8], [3, 2, 1, 0], [1, 2, 3, 4]]).reshape([1, 4, 4]);
    const [y, idx] = F.maxPool2d(x, 2, { returnIndices: true });
    assert.deepEqual(y.toArray(), [[[6, 8], [3, 4]]]);
    assert.deepEqual(idx.toArray(), [[[5, 7], [8, 15]]]); // flat positions h·4 + w in the input plane
  });

  test('ties send the gradient to the first maximum, NaN propagates (PyTorch CPU rules)', () => {
    const x = ck.tensor([[[2, 2, 1, Number.NaN, 3]]], { requiresGrad: true });
    const [y, idx] = F.maxPool1d(x, 2, { stride: 2, ceilMode: true, returnIndices: true });
    assert.deepEqual(Array.from(y.dataSync()), [2, Number.NaN, 3]);
    assert.deepEqual(Array.from(idx.dataSync()), [0, 3, 4]);
    y.backward(ck.ones([1, 1, 3]));
    assert.deepEqual(Array.from((x.grad as ck.Tensor).dataSync()), [1, 0, 0, 1, 1]);
  });

  test('gradcheck (float64), 1-D to 3-D with padding, dilation and ceil mode', () => {
    ck.manualSeed(21);
    const g = ck.autograd.gradcheck;
    assert.ok(g((x) => F.maxPool1d(x, 3, { stride: 2, padding: 1, ceilMode: true }), [randn64([2, 2, 8])]));
    assert.ok(g((x) => F.maxPool2d(x, [2, 3], { stride: 1, dilation: [2, 1] }), [randn64([1, 2, 5, 5])]));
    assert.ok(g((x) => F.maxPool3d(x, 2, { padding: 1 }), [randn64([1, 1, 3, 4, 3])]));
  });

  test('the gradient is itself differentiable (double backward through the scatter)', () => {
    ck.manualSeed(22);
    const x = randn64([1, 1, 4, 4]).requiresGrad_(true);
    const y = F.maxPool2d(x, 2);
    const [gx] = ck.autograd.grad(ck.sum(ck.mul(y, y)), [x], { createGraph: true }) as ck.Tensor[];
    ck.sum(gx).backward(); // d/dx Σ 2·y at the argmax positions = 2 there, 0 elsewhere
    const hits = Array.from(F.maxPool2d(x.detach(), 2, { returnIndices: true })[1].dataSync());
    assert.deepEqual(Array.from((x.grad as ck.Tensor).dataSync()), Array.from({ length: 16 }, (_, i) => (hits.includes(i) ? 2 : 0)));
  });

  test('errors: padding over half the kernel, output too small, a window of padding only, bad options', () => {
    const x = ck.zeros([1, 1, 5, 5]);
    assert.throws(() => F.maxPool2d(x, 2, { padding: 2 }), { message: 'maxPool2d: padding 2 must be at most half of the kernel size 2 (spatial dim 0)' });
    assert.throws(() => F.maxPool2d(ck.zeros([1, 1, 1, 5]), 3, { dilation: 2, stride: 1 }), /maxPool2d: input \[1,1,1,5\] is too small for kernel \[3,3\] \(dilation \[2,2\], padding \[0,0\]\): output size -3 in spatial dim 0/);
    assert.throws(() => F.maxPool1d(ck.zeros([1, 1, 1]), 2, { padding: 1, dilation: 2 }), /maxPool1d: window 0 along spatial dim 0 holds only padding/);
    assert.throws(() => F.maxPool2d(x, [2, 2, 2]), /maxPool2d: kernelSize must be a positive integer or a list of 2, got \[2,2,2\]/);
    assert.throws(() => F.maxPool2d(ck.zeros([5, 5]), 2), /maxPool2d: expected a 3-D \(unbatched\) or 4-D \(batched\) input, got \[5,5\]/);
  });
});

describe('average pooling', () => {
  test('countIncludePad, ceilMode and divisorOverride divide as PyTorch (hand-derived divisors)', () => {
    const x = ck.ones([1, 1, 3]);
    // windows over [pad, 1, 1] and [1, 1, pad] (kernel 3, stride 2, padding 1): sums 2 and 2
    assert.deepEqual(Array.from(F.avgPool1d(x, 3, { stride: 2, padding: 1 }).dataSync()), [2 / 3, 2 / 3].map(Math.fround));
    assert.deepEqual(Array.from(F.avgPool1d(x, 3, { stride: 2, padding: 1, countIncludePad: false }).dataSync()), [1, 1]);
    // ceil mode adds a window [1, beyond] that PyTorch divides by its part inside input + padding: 1
    assert.deepEqual(Array.from(F.avgPool1d(ck.ones([1, 1, 5]), 2, { ceilMode: true }).dataSync()), [1, 1, 1]);
    assert.deepEqual(Array.from(F.avgPool2d(ck.ones([1, 1, 4, 4]), 2, { divisorOverride: 3 }).dataSync()), new Array(4).fill(Math.fround(4 / 3)));
  });

  test('gradcheck (float64)', () => {
    ck.manualSeed(23);
    const g = ck.autograd.gradcheck;
    assert.ok(g((x) => F.avgPool1d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), [randn64([2, 2, 8])]));
    assert.ok(g((x) => F.avgPool2d(x, [3, 2], { stride: [2, 1], padding: [1, 0], divisorOverride: 5 }), [randn64([1, 2, 5, 4])]));
    assert.ok(g((x) => F.avgPool3d(x, 2, { ceilMode: true }), [randn64([1, 1, 3, 3, 3])]));
  });

  test('direct loops and im2col + GEMM agree (average pooling is a convolution with a kernel of ones)', () => {
    ck.manualSeed(24);
    assertPathsAgree((x) => F.avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), [randn64([2, 3, 7, 6])], 'avgPool2d');
  });

  test('unbatched input gives the batched result without the batch dim', () => {
    ck.manualSeed(25);
    const x = ck.randn([2, 6, 6]);
    assertClose(F.avgPool2d(x, 2), F.avgPool2d(ck.unsqueeze(x, 0), 2).squeeze(0), { rtol: 0, atol: 0 });
    assertClose(F.maxPool2d(x, 3, { stride: 1 }), F.maxPool2d(ck.unsqueeze(x, 0), 3, { stride: 1 }).squeeze(0), { rtol: 0, atol: 0 });
  });

  test('errors', () => {
    const x = ck.zeros([1, 1, 4, 4]);
    assert.throws(() => F.avgPool2d(x, 3, { padding: 2 }), /avgPool2d: padding 2 must be at most half of the kernel size 3/);
    assert.throws(() => F.avgPool2d(x, 2, { divisorOverride: 0 }), /avgPool2d: divisorOverride must be a non-zero integer, got 0/);
    assert.throws(() => F.avgPool2d(x, 5), /avgPool2d: input \[1,1,4,4\] is too small for kernel \[5,5\]/);
    assert.throws(() => F.avgPool2d(x, 2, { stride: 0 }), /avgPool2d: stride must be a positive integer or a list of 2, got 0/);
  });
});

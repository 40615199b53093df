/** ck.conv: the lecture's formulas as code. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as ck from '../../src/index.js';
import { assertClose } from '../helpers/index.js';
import { F } from './support.js';

describe('outputSize and samePadding', () => {
  test('agree with the shapes the ops produce', () => {
    const x = ck.zeros([1, 1, 11]);
    for (const [k, stride, padding, dilation] of [[3, 1, 0, 1], [4, 2, 1, 1], [3, 3, 1, 2], [2, 2, 0, 1]]) {
      const conv = F.conv1d(x, ck.zeros([1, 1, k]), null, { stride, padding, dilation });
      assert.equal(ck.conv.outputSize(11, k, { stride, padding, dilation }), conv.shape[2], `k${k} s${stride} p${padding} d${dilation}`);
      const pool = F.maxPool1d(x, k, { stride, padding: Math.min(padding, Math.floor(k / 2)), dilation, ceilMode: true });
      assert.equal(ck.conv.outputSize(11, k, { stride, padding: Math.min(padding, Math.floor(k / 2)), dilation, ceilMode: true }), pool.shape[2]);
    }
  });

  test("samePadding: total max((ceil(n/s) - 1)·s + d(k-1) + 1 - n, 0), the extra zero at the end", () => {
    assert.deepEqual(ck.conv.samePadding(5, 3), [1, 1]);
    assert.deepEqual(ck.conv.samePadding(5, 4), [1, 2]); // 3 zeros: 1 before, 2 after (PyTorch's 'same' too)
    assert.deepEqual(ck.conv.samePadding(10, 3, 2), [0, 1]); // ceil(10/2)=5 outputs need 4·2 + 3 = 11 positions
    assert.deepEqual(ck.conv.samePadding(7, 1, 3), [0, 0]);
  });

  test('errors', () => {
    assert.throws(() => ck.conv.outputSize(2, 5), /outputSize: kernel 5 \(dilation 1\) does not fit input 2 with padding 0: output size -2/);
    assert.throws(() => ck.conv.outputSize(5, 2, { stride: 0 }), /outputSize: stride must be an integer >= 1, got 0/);
    assert.throws(() => ck.conv.samePadding(5, 2.5), /samePadding: k must be an integer >= 1, got 2.5/);
  });
});

describe('toMatrix', () => {
  test('the doubly block Toeplitz matrix of [[1,2],[3,4]] on a 3×3 input (hand-derived)', () => {
    const m = ck.conv.toMatrix(ck.tensor([[1, 2], [3, 4]]), [3, 3]);
    // output (i, j) reads pixels (i, j), (i, j+1), (i+1, j), (i+1, j+1): flat 3i+j, 3i+j+1, 3i+j+3, 3i+j+4
    assert.deepEqual(m.toArray(), [
      [1, 2, 0, 3, 4, 0, 0, 0, 0],
      [0, 1, 2, 0, 3, 4, 0, 0, 0],
      [0, 0, 0, 1, 2, 0, 3, 4, 0],
      [0, 0, 0, 0, 1, 2, 0, 3, 4],
    ]);
  });

  test('conv2d(x, k) == toMatrix(k, x.shape) @ x.flatten(), also strided, padded and dilated', () => {
    ck.manualSeed(71);
    const x = ck.randn([1, 1, 6, 5]);
    const k = ck.randn([1, 1, 3, 2]);
    assertClose(ck.matmul(ck.conv.toMatrix(k, x.shape), x.flatten()), F.conv2d(x, k).flatten(), { rtol: 1e-5, atol: 1e-6 });
    const opts = { stride: [2, 1], padding: 1, dilation: [1, 2] };
    assertClose(ck.matmul(ck.conv.toMatrix(k, x.shape, opts), x.flatten()), F.conv2d(x, k, null, opts).flatten(), { rtol: 1e-5, atol: 1e-6 });
  });

  test('errors', () => {
    assert.throws(() => ck.conv.toMatrix(ck.zeros([2, 1, 3, 3]), [4, 4]), /toMatrix: expected a single-channel kernel \[kH, kW\] or \[1, 1, kH, kW\], got \[2,1,3,3\]/);
    assert.throws(() => ck.conv.toMatrix(ck.zeros([3, 3]), [2, 4, 4]), /toMatrix: expected a single-channel input shape/);
    assert.throws(() => ck.conv.toMatrix(ck.zeros([3, 3]), [2, 2]), /toMatrix: kernel \[3,3\] does not fit the padded input \[2,2\]/);
  });
});

describe('foldAvgPoolIntoConv', () => {
  test('a 1×1 kernel w followed by 2×2 average pooling is a 2×2 kernel of w/4 (hand-derived)', () => {
    const folded = ck.conv.foldAvgPoolIntoConv(ck.full([1, 1, 1, 1], 8), 2);
    assert.deepEqual(folded.toArray(), [[[[2, 2], [2, 2]]]]);
  });

  test('conv then average pooling equals one convolution with the folded weight and stride s·p', () => {
    ck.manualSeed(72);
    const x = ck.randn([2, 3, 11, 12]);
    const w = ck.randn([4, 3, 3, 2]);
    const b = ck.randn([4]);
    const pooled = F.avgPool2d(F.conv2d(x, w, b, { padding: 1 }), [2, 3]);
    const folded = F.conv2d(x, ck.conv.foldAvgPoolIntoConv(w, [2, 3]), b, { padding: 1, stride: [2, 3] });
    assertClose(folded, pooled, { rtol: 1e-5, atol: 1e-5 });
    const strided = F.avgPool2d(F.conv2d(x, w, null, { stride: 2 }), 2);
    assertClose(F.conv2d(x, ck.conv.foldAvgPoolIntoConv(w, 2, { stride: 2 }), null, { stride: 4 }), strided, { rtol: 1e-5, atol: 1e-5 });
  });

  test('errors', () => {
    assert.throws(() => ck.conv.foldAvgPoolIntoConv(ck.zeros([3, 3]), 2), /foldAvgPoolIntoConv: expected a conv2d weight \[out, in, kH, kW\], got \[3,3\]/);
    assert.throws(() => ck.conv.foldAvgPoolIntoConv(ck.zeros([1, 1, 3, 3]), 0), /foldAvgPoolIntoConv: poolSize must be a positive integer or a list of 2, got 0/);
  });
});

describe('classic kernels', () => {
  const image = (k: ck.Tensor): ck.Tensor => k.reshape([1, 1, ...k.shape]);

  test("Wikipedia's values: edge detectors, sharpen, box and Gaussian blur", () => {
    assert.deepEqual(ck.conv.edgeDetection(1).toArray(), [[1, 0, -1], [0, 0, 0], [-1, 0, 1]]);
    assert.deepEqual(ck.conv.edgeDetection(2).toArray(), [[0, -1, 0], [-1, 4, -1], [0, -1, 0]]);
    assert.deepEqual(ck.conv.edgeDetection(3).toArray(), [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]);
    assert.deepEqual(ck.conv.sharpen().toArray(), [[0, -1, 0], [-1, 5, -1], [0, -1, 0]]);
    assertClose(ck.conv.boxBlur(), ck.full([3, 3], 1 / 9));
    assertClose(ck.conv.gaussianBlur(3), ck.div(ck.tensor([[1, 2, 1], [2, 4, 2], [1, 2, 1]]), 16));
    assertClose(ck.conv.gaussianBlur(5).select(0, 0), ck.div(ck.tensor([1, 4, 6, 4, 1]), 256));
  });

  test('on a constant image, edge detectors answer 0 and blurs and sharpen keep the value', () => {
    const flat = ck.full([1, 1, 6, 6], 3);
    for (const v of [1, 2, 3] as const) assertClose(F.conv2d(flat, image(ck.conv.edgeDetection(v))), ck.zeros([1, 1, 4, 4]), {}, `edge ${v}`);
    for (const k of [ck.conv.sharpen(), ck.conv.boxBlur(), ck.conv.gaussianBlur(3), ck.conv.gaussianBlur(5)]) {
      const out = F.conv2d(flat, image(k));
      assertClose(out, ck.full(out.shape, 3), { rtol: 1e-6 });
    }
  });

  test('errors', () => {
    assert.throws(() => ck.conv.edgeDetection(4 as 1), /edgeDetection: variant must be 1, 2 or 3, got 4/);
    assert.throws(() => ck.conv.gaussianBlur(7 as 3), /gaussianBlur: size must be 3 or 5, got 7/);
    assert.throws(() => ck.conv.boxBlur(0), /boxBlur: size must be a positive integer, got 0/);
  });
});

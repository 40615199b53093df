/** The worked examples printed in the lectures, with the lectures' numbers. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ck from '../../src/index.js';
import { F } from './support.js';

const values = (t: ck.Tensor): number[] => Array.from(t.dataSync());

test('1-D: [1,1,1,0,0] * [1,0,1] slides to [2,1,1]', () => {
  // y[i] = x[i]·1 + x[i+1]·0 + x[i+2]·1 (deep learning's convolution is cross-correlation: no kernel flip)
  const y = F.conv1d(ck.tensor([[[1, 1, 1, 0, 0]]]), ck.tensor([[[1, 0, 1]]]));
  assert.deepEqual(values(y), [2, 1, 1]);
});

test("1-D: [1,0,2,2,3,1] with kernel [3,2,2] gives [7,8,16,14] ('valid') and [2,7,8,16,14,11] ('same')", () => {
  const x = ck.tensor([[[1, 0, 2, 2, 3, 1]]]);
  const k = ck.tensor([[[3, 2, 2]]]);
  assert.deepEqual(values(F.conv1d(x, k, null, { padding: 'valid' })), [7, 8, 16, 14]);
  assert.deepEqual(values(F.conv1d(x, k, null, { padding: 'same' })), [2, 7, 8, 16, 14, 11]);
});

test('2-D: the 5×5 binary image with kernel [[1,0,1],[0,1,0],[1,0,1]] (UFLDL) gives [[4,3,4],[2,4,3],[2,3,4]]', () => {
  const image = ck.tensor([[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]]).reshape([1, 1, 5, 5]);
  const kernel = ck.tensor([[1, 0, 1], [0, 1, 0], [1, 0, 1]]).reshape([1, 1, 3, 3]);
  assert.deepEqual(F.conv2d(image, kernel).reshape([3, 3]).toArray(), [[4, 3, 4], [2, 4, 3], [2, 3, 4]]);
});

test('2-D: the convolution arithmetic guide (Dumoulin & Visin, fig. 1.1) gives [[12,12,17],[10,17,19],[9,6,14]]', () => {
  const input = ck.tensor([[3, 3, 2, 1, 0], [0, 0, 1, 3, 1], [3, 1, 2, 2, 3], [2, 0, 0, 2, 2], [2, 0, 0, 0, 1]]).reshape([1, 1, 5, 5]);
  const kernel = ck.tensor([[0, 1, 2], [2, 2, 0], [0, 1, 2]]).reshape([1, 1, 3, 3]);
  assert.deepEqual(F.conv2d(input, kernel).reshape([3, 3]).toArray(), [[12, 12, 17], [10, 17, 19], [9, 6, 14]]);
});

test("TensorFlow's 'same' quiz: n=13, s=5, k=6 pads 3, one at the start and two at the end", () => {
  assert.deepEqual(ck.conv.samePadding(13, 6, 5), [1, 2]);
  // with x = 1..13 and a kernel of ones, the three windows read [pad,1..5], [5..10], [10..13,pad,pad]
  const y = F.conv1d(ck.arange(1, 14, 1, { dtype: 'float32' }).reshape([1, 1, 13]), ck.ones([1, 1, 6]), null, { stride: 5, padding: 'same' });
  assert.deepEqual(values(y), [1 + 2 + 3 + 4 + 5, 5 + 6 + 7 + 8 + 9 + 10, 10 + 11 + 12 + 13]);
});

test('output size (W - F + 2P)/S + 1: CS231n 7×7 input, 3×3 filter gives 5 (stride 1) and 3 (stride 2); AlexNet conv1 227→55', () => {
  assert.equal(ck.conv.outputSize(7, 3), 5);
  assert.equal(ck.conv.outputSize(7, 3, { stride: 2 }), 3);
  assert.equal(ck.conv.outputSize(227, 11, { stride: 4 }), 55);
  assert.deepEqual(F.conv2d(ck.zeros([1, 3, 227, 227]), ck.zeros([96, 3, 11, 11]), null, { stride: 4 }).shape, [1, 96, 55, 55]);
});

test('img2col: two 4×6 feature maps and a 2×2×2 kernel become an [8, 15] matrix, and the convolution one row times it', () => {
  // map 0 holds 1..24 and map 1 holds 25..48, row-major; each column stacks a 2×2 patch of map 0, then of map 1
  const x = ck.arange(1, 49, 1, { dtype: 'float32' }).reshape([1, 2, 4, 6]);
  const cols = F.unfold(x, 2);
  assert.deepEqual(cols.shape, [1, 8, 15]);
  const column = (j: number): number[] => values(ck.select(ck.select(cols, 0, 0), 1, j));
  assert.deepEqual(column(0), [1, 2, 7, 8, 25, 26, 31, 32]);
  assert.deepEqual(column(14), [17, 18, 23, 24, 41, 42, 47, 48]); // the last patch: rows 2-3, columns 4-5
  const kernel = ck.tensor([[[1, 0], [0, -1]], [[2, 0], [0, 1]]]).reshape([1, 2, 2, 2]);
  const viaGemm = ck.matmul(kernel.reshape([1, 8]), ck.select(cols, 0, 0)).reshape([1, 1, 3, 5]);
  assert.deepEqual(viaGemm.toArray(), F.conv2d(x, kernel).toArray());
  // a patch with top-left value a holds a, a+1, a+6, a+7 in map 0 and a+24, a+25, a+30, a+31 in map 1:
  // a - (a+7) + 2(a+24) + (a+31) = 3a + 72
  assert.deepEqual(values(viaGemm), [1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17].map((a) => 3 * a + 72));
});

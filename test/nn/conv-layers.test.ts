/** Convolution, pooling and padding layers beyond the PyTorch fixtures: default init, outputSize, indices, gradcheck, errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { assertClose } from '../helpers/index.js';

const { nn } = ck;
const F = nn.functional;

function range(t: ck.Tensor): [number, number] {
  const d = t.dataSync();
  return [Math.min(...d), Math.max(...d)];
}

test('Conv2d default init: weight and bias within ±1/√fan_in, fan_in = in/groups·kH·kW (kaiming_uniform_(a=√5))', () => {
  ck.manualSeed(3);
  const conv = new nn.Conv2d(8, 32, 3, { groups: 2 });
  assert.deepEqual(conv.weight.shape, [32, 4, 3, 3]);
  const bound = 1 / Math.sqrt(4 * 9);
  const [lo, hi] = range(conv.weight);
  assert.ok(lo >= -bound && hi <= bound && hi > 0.95 * bound, `weight in [${lo}, ${hi}], bound ${bound}`);
  const [blo, bhi] = range(conv.bias!);
  assert.ok(blo >= -bound && bhi <= bound);
});

test('ConvTranspose2d weight is [in, out/groups, k, k] and its fan_in reads dim 1, as PyTorch', () => {
  const t = new nn.ConvTranspose2d(4, 6, 3, { groups: 2 });
  assert.deepEqual(t.weight.shape, [4, 3, 3, 3]);
  const bound = 1 / Math.sqrt(3 * 9);
  const [lo, hi] = range(t.weight);
  assert.ok(lo >= -bound && hi <= bound && hi > 0.9 * bound);
});

test('ConvTranspose2d forward(x, outputSize) picks the output padding', () => {
  const down = new nn.Conv2d(1, 1, 3, { stride: 2, padding: 1 });
  const up = new nn.ConvTranspose2d(1, 1, 3, { stride: 2, padding: 1 });
  const x = ck.randn([1, 1, 8, 8]);
  const h = down.forward(x);
  assert.deepEqual(h.shape, [1, 1, 4, 4]);
  assert.deepEqual(up.forward(h).shape, [1, 1, 7, 7]);
  const y = up.forward(h, x.shape);
  assert.deepEqual(y.shape, [1, 1, 8, 8]);
  assertClose(y, F.convTranspose2d(h, up.weight, up.bias, { stride: 2, padding: 1, outputPadding: 1 }), { rtol: 0, atol: 0 }, 'same as outputPadding 1');
  assert.throws(() => up.forward(h, [9, 9]), /ConvTranspose2d: requested an output size of \[9,9\], but valid sizes range from 7 to 8 in spatial dim 0 \(for an input of \[1,1,4,4\]\)/);
});

test('MaxPool2d with returnIndices returns values and flat indices, like F.maxPool2d', () => {
  const x = ck.randn([1, 2, 4, 4]);
  const [values, indices] = new nn.MaxPool2d(2, { returnIndices: true }).forward(x);
  const [v, i] = F.maxPool2d(x, 2, { returnIndices: true });
  assertClose(values, v, { rtol: 0, atol: 0 }, 'values');
  assert.deepEqual(indices.dataSync(), i.dataSync());
  assert.equal(indices.dtype, 'int32');
});

test('gradcheck through conv layers with each padding mode, transposed conv, pooling and LRN', () => {
  const cases: [string, ck.nn.Module, number[]][] = [
    ['reflect', new nn.Conv2d(2, 2, 3, { padding: 1, paddingMode: 'reflect' }), [1, 2, 4, 4]],
    ['circular', new nn.Conv1d(2, 3, 3, { padding: 2, paddingMode: 'circular' }), [2, 2, 5]],
    ['replicate same', new nn.Conv2d(1, 2, 2, { padding: 'same', paddingMode: 'replicate' }), [1, 1, 3, 3]],
    ['transposed', new nn.ConvTranspose2d(2, 1, 3, { stride: 2 }), [1, 2, 2, 2]],
    ['pool + LRN', new nn.Sequential(new nn.LocalResponseNorm(2), new nn.MaxPool2d(2), new nn.AdaptiveAvgPool2d(1)), [1, 3, 4, 4]],
  ];
  for (const [name, m, shape] of cases) {
    m.double();
    assert.ok(ck.autograd.gradcheck((x) => m.forward(x) as ck.Tensor, [ck.randn(shape, { dtype: 'float64' })]), name);
  }
});

test('conv layers check their arguments and inputs, naming the layer', () => {
  assert.throws(() => new nn.Conv2d(3, 16, 5).forward(ck.randn([8, 4, 32, 32])), /conv2d: expected input with 3 channels \(weight \[16,3,5,5\], groups 1\), got \[8,4,32,32\]/);
  assert.throws(() => new nn.Conv2d(3, 16, 5, { groups: 2 }), /Conv2d: inChannels 3 must be divisible by groups 2/);
  assert.throws(() => new nn.Conv2d(4, 6, 3, { groups: 4 }), /Conv2d: outChannels 6 must be divisible by groups 4/);
  assert.throws(() => new nn.Conv2d(1, 1, 3, { paddingMode: 'mirror' as 'reflect' }), /Conv2d: expected paddingMode to be one of 'zeros', 'reflect', 'replicate', 'circular', got 'mirror'/);
  assert.throws(() => new nn.Conv2d(1, 1, 3, { padding: 'full' as 'same' }), /Conv2d: expected padding to be an integer, an array of integers, 'valid' or 'same', got 'full'/);
  assert.throws(() => new nn.Conv2d(1, 1, [3, 3, 3]), /Conv2d: kernelSize must be a positive integer or a list of 2, got \[3,3,3\]/);
  assert.throws(() => new nn.Conv1d(1, 1, 3, { paddingMode: 'reflect', padding: 1 }).forward(ck.randn([2, 1, 3, 3])), /Conv1d: expected a 2-D \(unbatched\) or 3-D \(batched\) input, got \[2,1,3,3\]/);
  assert.throws(() => new nn.ZeroPad2d([1, 2, 3]), /ZeroPad2d: padding must be an integer or 4 integers/);
  assert.throws(() => new nn.LocalResponseNorm(0), /LocalResponseNorm: size must be a positive integer, got 0/);
  assert.throws(() => new nn.MaxPool2d(3).forward(ck.randn([1, 1, 2, 2])), /maxPool2d: input \[1,1,2,2\] is too small for kernel \[3,3\]/);
});

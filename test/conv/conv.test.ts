import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as ck from '../../src/index.js';
import { assertClose } from '../helpers/index.js';
import { assertPathsAgree, F, fixtureCases, randn64 } from './support.js';


describe('conv gradients', () => {
  test('gradcheck (float64) of conv1d, conv2d and conv3d for input, weight and bias', () => {
    ck.manualSeed(1);
    const g = ck.autograd.gradcheck;
    assert.ok(g((x, w, b) => F.conv1d(x, w, b, { stride: 2, padding: 1 }), [randn64([2, 2, 7]), randn64([3, 2, 3]), randn64([3])]));
    assert.ok(g((x, w, b) => F.conv2d(x, w, b, { stride: [2, 1], padding: 'same', dilation: [1, 2], groups: 2 }), [randn64([1, 4, 5, 6]), randn64([4, 2, 3, 2]), randn64([4])]));
    assert.ok(g((x, w) => F.conv3d(x, w, null, { padding: [1, 0, 1] }), [randn64([1, 2, 3, 3, 3]), randn64([2, 2, 2, 2, 2])]));
  });

  test('gradcheck of the gradients themselves (double backward through convBackwardInput and convBackwardWeight)', () => {
    ck.manualSeed(2);
    // enableGrad: gradcheck evaluates its finite differences under noGrad, and this function differentiates inside
    const gradOfConv = (x: ck.Tensor, w: ck.Tensor): ck.Tensor => ck.enableGrad(() => {
      const y = F.conv2d(x, w, null, { stride: 2, padding: 1, groups: 2 });
      const [gx, gw] = ck.autograd.grad(ck.sum(ck.mul(y, y)), [x, w], { createGraph: true }) as ck.Tensor[];
      return ck.add(ck.sum(ck.mul(gx, gx)), ck.sum(ck.mul(gw, gw)));
    });
    assert.ok(ck.autograd.gradcheck(gradOfConv, [randn64([1, 2, 5, 4]), randn64([4, 1, 3, 2])]));
  });

  test('second-order gradients match PyTorch', () => {
    for (const c of fixtureCases('conv-double-backward') as unknown as DoubleBackwardCase[]) {
      const spec = (s: DoubleBackwardCase['x']): ck.Tensor => ck.tensor(s.data, { shape: s.shape, dtype: 'float64' });
      const x = spec(c.x).requiresGrad_(true);
      const w = spec(c.w).requiresGrad_(true);
      const conv = c.op === 'conv1d' ? F.conv1d : F.conv2d;
      const y = conv(x, w, null, c.opts);
      const [gx, gw] = ck.autograd.grad(ck.sum(ck.mul(y, spec(c.gradOutput))), [x, w], { createGraph: true }) as ck.Tensor[];
      ck.add(ck.sum(ck.mul(gx, spec(c.rx))), ck.sum(ck.mul(gw, spec(c.rw)))).backward();
      assertClose(x.grad as ck.Tensor, c.gradX, { rtol: 1e-6, atol: 1e-6 }, `${c.name}: d/dx`);
      assertClose(w.grad as ck.Tensor, c.gradW, { rtol: 1e-6, atol: 1e-6 }, `${c.name}: d/dw`);
    }
  });
});

interface DoubleBackwardCase {
  name: string;
  op: string;
  opts: ck.nn.functional.ConvOptions;
  x: { shape: number[]; data: number[]; dtype: ck.DType };
  w: DoubleBackwardCase['x'];
  gradOutput: DoubleBackwardCase['x'];
  rx: DoubleBackwardCase['x'];
  rw: DoubleBackwardCase['x'];
  gradX: DoubleBackwardCase['x'];
  gradW: DoubleBackwardCase['x'];
}

describe('direct loops and im2col + GEMM agree', () => {
  test('grouped, strided, dilated, asymmetric-same conv2d with bias, and a pointwise conv', () => {
    ck.manualSeed(3);
    assertPathsAgree((x, w, b) => F.conv2d(x, w, b, { stride: [2, 3], padding: 'same', dilation: [2, 1], groups: 3 }),
      [randn64([2, 6, 11, 10]), randn64([9, 2, 3, 4]), randn64([9])], 'conv2d');
    assertPathsAgree((x, w) => F.conv2d(x, w), [randn64([2, 8, 5, 5]), randn64([4, 8, 1, 1])], 'pointwise conv2d');
    assertPathsAgree((x, w) => F.conv3d(x, w, null, { stride: 2, padding: 1, groups: 2 }), [randn64([1, 4, 5, 6, 4]), randn64([2, 2, 3, 3, 2])], 'conv3d');
  });
});

describe('conv shapes and options', () => {
  test('unbatched input gives the batched result without the batch dim', () => {
    ck.manualSeed(4);
    const x = ck.randn([3, 8, 7]);
    const w = ck.randn([5, 3, 3, 3]);
    const unbatched = F.conv2d(x, w, null, { padding: 1 });
    assert.deepEqual(unbatched.shape, [5, 8, 7]);
    assertClose(unbatched, F.conv2d(ck.unsqueeze(x, 0), w, null, { padding: 1 }).squeeze(0), { rtol: 0, atol: 0 });
  });

  test('non-contiguous inputs and weights (transposed and broadcast views) give the contiguous result', () => {
    ck.manualSeed(6);
    const x = ck.randn([2, 6, 5, 3]);
    const w = ck.randn([4, 3, 3, 2]);
    const xt = ck.transpose(x, 1, 3); // [2, 3, 5, 6], a strided view
    const wt = ck.transpose(ck.contiguous(ck.transpose(w, 2, 3)), 2, 3);
    assert.ok(!xt.isContiguous() && !wt.isContiguous());
    assertClose(F.conv2d(xt, wt, null, { padding: 1 }), F.conv2d(ck.contiguous(xt), w, null, { padding: 1 }), { rtol: 0, atol: 0 });
    const row = ck.randn([1, 1, 1, 7]);
    assertClose(F.maxPool2d(ck.expand(row, [2, 3, 4, 7]), 2), F.maxPool2d(ck.contiguous(ck.expand(row, [2, 3, 4, 7])), 2), { rtol: 0, atol: 0 });
  });

  test("'same' keeps ceil(n / s) positions for every stride; 'valid' is padding 0", () => {
    const x = ck.randn([1, 1, 13, 10]);
    const w = ck.randn([1, 1, 6, 3]);
    assert.deepEqual(F.conv2d(x, w, null, { padding: 'same', stride: [5, 3] }).shape, [1, 1, 3, 4]);
    assert.deepEqual(F.conv2d(x, w, null, { padding: 'same' }).shape, [1, 1, 13, 10]);
    assertClose(F.conv2d(x, w, null, { padding: 'valid' }), F.conv2d(x, w), { rtol: 0, atol: 0 });
  });

  test('depthwise (groups = channels) equals one single-channel convolution per channel', () => {
    ck.manualSeed(5);
    const x = ck.randn([2, 3, 6, 6]);
    const w = ck.randn([6, 1, 3, 3]); // channel multiplier 2
    const y = F.conv2d(x, w, null, { groups: 3 });
    for (let c = 0; c < 3; c++) {
      for (let m = 0; m < 2; m++) {
        const single = F.conv2d(ck.narrow(x, 1, c, 1), ck.narrow(w, 0, 2 * c + m, 1));
        assertClose(ck.narrow(y, 1, 2 * c + m, 1), single, { rtol: 1e-6, atol: 1e-6 }, `channel ${c}, multiplier ${m}`);
      }
    }
  });
});

describe('conv errors', () => {
  const x = ck.zeros([8, 4, 32, 32]);
  test('wrong channel count names the weight, groups and input', () => {
    assert.throws(() => F.conv2d(x, ck.zeros([16, 3, 5, 5])), { message: 'conv2d: expected input with 3 channels (weight [16,3,5,5], groups 1), got [8,4,32,32]' });
    assert.throws(() => F.conv2d(x, ck.zeros([8, 4, 3, 3]), null, { groups: 4 }), /conv2d: expected input with 16 channels \(weight \[8,4,3,3\], groups 4\)/);
  });
  test('channels not divisible by groups', () => {
    assert.throws(() => F.conv2d(x, ck.zeros([6, 2, 3, 3]), null, { groups: 4 }), /conv2d: out channels 6 \(weight \[6,2,3,3\]\) must be divisible by groups 4/);
    assert.throws(() => F.conv2d(x, ck.zeros([6, 2, 3, 3]), null, { groups: 0 }), /conv2d: groups must be a positive integer, got 0/);
  });
  test('kernel larger than the padded input', () => {
    assert.throws(() => F.conv2d(ck.zeros([1, 1, 2, 2]), ck.zeros([1, 1, 3, 3])), /conv2d: kernel size 3 \(dilated 3\) is larger than the padded input size 2 in spatial dim 0/);
    assert.throws(() => F.conv1d(ck.zeros([1, 1, 4]), ck.zeros([1, 1, 3]), null, { dilation: 2 }), /conv1d: kernel size 3 \(dilated 5\) is larger than the padded input size 4/);
  });
  test('ranks, dtypes, bias shape and option values', () => {
    assert.throws(() => F.conv2d(ck.zeros([4, 32]), ck.zeros([1, 4, 3, 3])), /conv2d: expected a 3-D \(unbatched\) or 4-D \(batched\) input, got \[4,32\]/);
    assert.throws(() => F.conv2d(x, ck.zeros([1, 4, 3])), /conv2d: expected a 4-D weight \[out, in\/groups, \.\.\.kernel\], got \[1,4,3\]/);
    assert.throws(() => F.conv2d(x, ck.zeros([1, 4, 3, 3], { dtype: 'float64' })), /conv2d: input \(float32\) and weight \(float64\) must have the same dtype/);
    assert.throws(() => F.conv2d(ck.zeros([1, 4, 5, 5], { dtype: 'int32' }), ck.zeros([1, 4, 3, 3])), /conv2d: expected a floating point input, got int32/);
    assert.throws(() => F.conv2d(x, ck.zeros([2, 4, 3, 3]), ck.zeros([3])), /conv2d: expected a bias of shape \[2\], got \[3\]/);
    assert.throws(() => F.conv2d(x, ck.zeros([2, 4, 3, 3]), null, { stride: [1, 0] }), /conv2d: stride must be a positive integer or a list of 2, got \[1,0\]/);
    assert.throws(() => F.conv2d(x, ck.zeros([2, 4, 3, 3]), null, { padding: [1, 1, 1] }), /conv2d: padding must be a non-negative integer or a list of 2, got \[1,1,1\]/);
    assert.throws(() => F.conv2d(x, ck.zeros([2, 4, 3, 3]), null, { padding: 'full' as 'same' }), /conv2d: expected padding to be an integer, an array of integers, 'valid' or 'same', got 'full'/);
  });
});

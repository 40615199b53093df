/** The webgpu convolution plan as a table: which kernel each layer shape gets, and how the weight gradient's K is split. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planConv } from '../../../src/backends/webgpu/conv-plan.js';
import type { ConvGeometry } from '../../../src/backends/conv-kernels.js';

const geom = (side: number, k: number, groups = 1, out = side - k + 1): ConvGeometry => ({
  inSize: [1, side, side], outSize: [1, out, out], kernelSize: [1, k, k], stride: [1, 1, 1], dilation: [1, 1, 1], padBefore: [0, 0, 0], groups,
});

test('planConv: direct loops for thin groups and short reductions, implicit GEMM otherwise, K split for dW', () => {
  const rows: [string, ReturnType<typeof planConv>, Partial<ReturnType<typeof planConv>>][] = [
    ['LeNet conv1 1→6 5×5, batch 64', planConv(64, 1, 6, geom(32, 5)), { forward: 'direct', inputGrad: 'direct', splits: 32, chunk: 1568 }],
    ['LeNet conv2 6→16 5×5', planConv(64, 6, 16, geom(14, 5)), { forward: 'gemm', inputGrad: 'direct', splits: 13, chunk: 512 }],
    ['ResNet 64→64 3×3 pad 1, batch 32', planConv(32, 64, 64, geom(56, 3, 1, 56)), { forward: 'gemm', inputGrad: 'gemm', splits: 32, chunk: 3136 }],
    ['depthwise 32 channels 3×3', planConv(8, 32, 32, geom(28, 3, 32, 28)), { forward: 'direct', inputGrad: 'direct' }],
    ['average pooling as a convolution of ones', planConv(64, 1, 1, geom(28, 2)), { forward: 'direct', inputGrad: 'direct' }],
    ['one small image: no split', planConv(1, 16, 16, geom(8, 3)), { splits: 1, chunk: 512, weightGrad: 'gemm' }],
  ];
  for (const [name, plan, expected] of rows) {
    for (const [k, v] of Object.entries(expected)) assert.equal(plan[k as keyof typeof plan], v, `${name}: ${k}`);
    assert.equal(plan.chunk % 16, 0, `${name}: chunk is whole K tiles`);
  }
});

test('planConv on a software adapter: direct loops everywhere, dW split over images to ~4,096 invocations', () => {
  const rows: [string, ReturnType<typeof planConv>, ReturnType<typeof planConv>][] = [
    // 150 weights: 28 chunks wanted → 3 images each → 22 chunks
    ['LeNet conv1 1→6 5×5, batch 64', planConv(64, 1, 6, geom(32, 5), true), { forward: 'direct', inputGrad: 'direct', weightGrad: 'direct', splits: 22, chunk: 3 }],
    // 2,400 weights: 2 chunks of 32 images
    ['LeNet conv2 6→16 5×5', planConv(64, 6, 16, geom(14, 5), true), { forward: 'direct', inputGrad: 'direct', weightGrad: 'direct', splits: 2, chunk: 32 }],
    ['ResNet 64→64 3×3 pad 1, batch 32', planConv(32, 64, 64, geom(56, 3, 1, 56), true), { forward: 'direct', inputGrad: 'direct', weightGrad: 'direct', splits: 1, chunk: 32 }],
    ['one image', planConv(1, 1, 6, geom(32, 5), true), { forward: 'direct', inputGrad: 'direct', weightGrad: 'direct', splits: 1, chunk: 1 }],
  ];
  for (const [name, plan, expected] of rows) assert.deepEqual(plan, expected, name);
});

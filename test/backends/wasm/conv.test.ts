/**
 * The wasm convolution kernels against float64 on random geometries that reach every path: im2col + GEMM per
 * image (batch ≥ threads), images side by side, within one image (batch 1 on 2 threads), Winograd F(2×2, 3×3)
 * (3×3 stride 1, at least 8 channels each side), pointwise 1×1, grouped, depthwise with
 * stride 1 (vector) and 2 (scalar), 1-D and 3-D, odd sizes that leave partial register tiles.
 * Bound: see test/helpers/conv-bound.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../../src/index.js';
import * as F from '../../../src/ops/conv/index.js';
import { findBackend } from '../../../src/backends/registry.js';
import type { WasmBackend } from '../../../src/backends/wasm/index.js';
import { assertWithinBound, type Conv } from '../../helpers/conv-bound.js';

// these tests are about the wasm kernels whatever the suite's default backend is (npm run test:reference)
ck.setBackend('wasm');

const CASES: { what: string; x: number[]; w: number[]; conv: Conv }[] = [
  { what: '3×3 pad 1, batch 3', x: [3, 5, 11, 13], w: [7, 5, 3, 3], conv: (x, w) => F.conv2d(x, w, null, { padding: 1 }) },
  { what: 'stride 2, dilation 2, asymmetric kernel', x: [4, 6, 33, 24], w: [8, 6, 3, 2], conv: (x, w) => F.conv2d(x, w, null, { stride: 2, dilation: [2, 1], padding: [2, 0] }) },
  // Winograd takes 3×3 stride-1 convolutions with ≥ 8 channels each side and ≥ WINOGRAD_MIN_TILES 2×2 output tiles
  { what: 'Winograd 3×3, odd sizes, no padding', x: [2, 8, 35, 30], w: [9, 8, 3, 3], conv: (x, w) => F.conv2d(x, w) },
  { what: 'Winograd 3×3, padding 2', x: [1, 9, 33, 31], w: [8, 9, 3, 3], conv: (x, w) => F.conv2d(x, w, null, { padding: 2 }) },
  // chunks of one 8-tile panel (V of 520 channels fills the chunk budget), a tile row of 6 padded to 8, O = 6
  { what: 'Winograd 3×3, many channels, small image', x: [1, 520, 12, 12], w: [6, 520, 3, 3], conv: (x, w) => F.conv2d(x, w, null, { padding: 1 }) },
  { what: 'Winograd 3×3, 2×3 images (one tile row, mostly padding)', x: [40, 8, 2, 3], w: [8, 8, 3, 3], conv: (x, w) => F.conv2d(x, w, null, { padding: 1 }) },
  { what: 'Winograd 3×3, asymmetric padding', x: [3, 8, 14, 9], w: [10, 8, 3, 3], conv: (x, w) => F.conv2d(x, w, null, { padding: [0, 2] }) },
  // stride-2 runs of im2col take the even-lane vector copy; odd widths end runs with 1 to 4 scalar elements
  { what: 'stem-like 7×7 stride 2, batch 1', x: [1, 3, 37, 35], w: [8, 3, 7, 7], conv: (x, w) => F.conv2d(x, w, null, { stride: 2, padding: 3 }) },
  { what: 'grouped', x: [2, 6, 15, 15], w: [9, 2, 3, 3], conv: (x, w) => F.conv2d(x, w, null, { groups: 3, padding: 1 }) },
  { what: 'pointwise 1×1', x: [4, 16, 13, 9], w: [5, 16, 1, 1], conv: (x, w) => F.conv2d(x, w) },
  { what: 'depthwise stride 1', x: [2, 8, 30, 31], w: [8, 1, 3, 3], conv: (x, w) => F.conv2d(x, w, null, { groups: 8, padding: 1 }) },
  { what: 'depthwise stride 2 with dilation', x: [2, 6, 40, 37], w: [6, 1, 3, 3], conv: (x, w) => F.conv2d(x, w, null, { groups: 6, stride: 2, dilation: 2, padding: 2 }) },
  { what: 'single input channel (depthwise kernel, 6 filters per channel)', x: [3, 1, 30, 29], w: [6, 1, 5, 5], conv: (x, w) => F.conv2d(x, w, null, { padding: 2 }) },
  { what: 'single input channel, no padding (LeNet C1: planes read in place)', x: [3, 1, 32, 32], w: [6, 1, 5, 5], conv: (x, w) => F.conv2d(x, w) },
  { what: "depthwise 'same' 2×2: padding after the input only", x: [2, 8, 40, 41], w: [8, 1, 2, 2], conv: (x, w) => F.conv2d(x, w, null, { groups: 8, padding: 'same' }) },
  { what: 'depthwise with channel multiplier 2', x: [2, 4, 21, 22], w: [8, 1, 3, 3], conv: (x, w) => F.conv2d(x, w, null, { groups: 4, padding: 1 }) },
  // im2col writes zeros only where a window reaches past the input; its scratch holds the previous case's columns
  { what: 'no padding, small images side by side (LeNet C3)', x: [6, 6, 14, 14], w: [16, 6, 5, 5], conv: (x, w) => F.conv2d(x, w) },
  // 16·25·64 X̂ floats per image: 5 images per cache-sized chunk, so 7 images take two chunks
  { what: 'small images side by side in two chunks', x: [7, 16, 12, 12], w: [8, 16, 5, 5], conv: (x, w) => F.conv2d(x, w) },
  { what: "'same' with a 2×2 kernel: padding after the input only", x: [3, 5, 12, 11], w: [6, 5, 2, 2], conv: (x, w) => F.conv2d(x, w, null, { padding: 'same' }) },
  // one window covering the whole input: a GEMM over the batch, no im2col (LeNet C5)
  { what: 'whole input (LeNet C5 shape), batch 7', x: [7, 16, 5, 5], w: [12, 16, 5, 5], conv: (x, w) => F.conv2d(x, w) },
  { what: 'whole input, one image', x: [1, 64, 6, 6], w: [50, 64, 6, 6], conv: (x, w) => F.conv2d(x, w) },
  { what: 'whole input conv1d, stride 3', x: [9, 32, 17], w: [16, 32, 17], conv: (x, w) => F.conv1d(x, w, null, { stride: 3 }) },
  { what: 'conv1d', x: [4, 8, 301], w: [6, 8, 5], conv: (x, w) => F.conv1d(x, w, null, { padding: 2, stride: 3 }) },
  { what: 'conv3d', x: [2, 3, 6, 7, 5], w: [4, 3, 3, 2, 3], conv: (x, w) => F.conv3d(x, w, null, { padding: [1, 0, 1] }) },
];

test('wasm convolution, both gradients, on edge geometries', () => {
  ck.manualSeed(11);
  for (const c of CASES) assertWithinBound(c.conv, ck.randn(c.x), ck.randn(c.w), c.what);
});

test('bias is added once, by the kernel that writes the output (GEMM prefill, Winograd output, depthwise, whole input)', () => {
  ck.manualSeed(12);
  for (const [c, o, groups] of [[3, 4, 1], [8, 8, 1], [6, 6, 6]]) {
    const x = ck.randn([2, c, 20, 21]);
    const w = ck.randn([o, c / groups, 3, 3]);
    const b = ck.randn([o]);
    const withBias = F.conv2d(x, w, b, { padding: 1, groups });
    const plus = ck.add(F.conv2d(x, w, null, { padding: 1, groups }), ck.reshape(b, [1, o, 1, 1]));
    const diff = ck.amax(ck.abs(ck.sub(withBias, plus))).item();
    assert.ok(diff < 1e-5, `C ${c}, O ${o}, groups ${groups}: bias path differs by ${diff}`);
  }
  const [x, w, b] = [ck.randn([6, 16, 5, 5]), ck.randn([20, 16, 5, 5]), ck.randn([20])];
  const diff = ck.amax(ck.abs(ck.sub(F.conv2d(x, w, b), ck.add(F.conv2d(x, w), ck.reshape(b, [1, 20, 1, 1]))))).item();
  assert.ok(diff < 1e-5, `whole input: bias path differs by ${diff}`);
});

test('large convolutions split across 2 threads: images side by side (batch 4), by image (batch 2), inside one image (batch 1), Winograd tiles', async () => {
  ck.manualSeed(13);
  const before = ck.getNumThreads();
  ck.setNumThreads(2);
  try {
    await ck.ready();
    assert.equal((findBackend('wasm') as WasmBackend).activeThreads(), 2);
    // 2·N·O·L·C·K ≥ 2²² flops, so the kernels use both threads; 5×5 filters take im2col, 3×3 ones Winograd
    const conv: Conv = (x, w) => F.conv2d(x, w, null, { padding: 2 });
    assertWithinBound(conv, ck.randn([4, 16, 21, 23]), ck.randn([24, 16, 5, 5]), 'two images per thread in one GEMM');
    assertWithinBound(conv, ck.randn([2, 16, 21, 23]), ck.randn([24, 16, 5, 5]), 'by image');
    assertWithinBound(conv, ck.randn([1, 16, 29, 31]), ck.randn([24, 16, 5, 5]), 'within one image');
    const winograd: Conv = (x, w) => F.conv2d(x, w, null, { padding: 1 });
    assertWithinBound(winograd, ck.randn([1, 16, 29, 31]), ck.randn([24, 16, 3, 3]), 'Winograd, tiles of one image split');
    assertWithinBound(winograd, ck.randn([3, 12, 30, 27]), ck.randn([13, 12, 3, 3]), 'Winograd, tiles of three images split');
    assertWithinBound((x, w) => F.conv2d(x, w), ck.randn([64, 16, 5, 5]), ck.randn([120, 16, 5, 5]), 'whole input, rows of one GEMM');
    const down: Conv = (x, w) => F.conv2d(x, w, null, { stride: 2, padding: 1 });
    assertWithinBound(down, ck.randn([1, 32, 45, 43]), ck.randn([36, 32, 3, 3]), 'within one image, stride 2');
    assertWithinBound((x, w) => F.conv2d(x, w, null, { stride: 2 }), ck.randn([1, 128, 27, 29]), ck.randn([144, 128, 1, 1]), 'within one image, 1×1 stride 2');
    const depthwise: Conv = (x, w) => F.conv2d(x, w, null, { padding: 1, groups: 32 });
    assertWithinBound(depthwise, ck.randn([3, 32, 70, 70]), ck.randn([32, 1, 3, 3]), 'depthwise planes');
  } finally {
    ck.setNumThreads(before);
  }
});

test('convolutions below REFERENCE_MAX_FLOPS run the reference kernels (double-precision sums), bit for bit', () => {
  ck.manualSeed(14);
  const x = ck.randn([2, 3, 7, 7]).requiresGrad_(true);
  const w = ck.randn([4, 3, 3, 3]).requiresGrad_(true);
  const run = (backend: string): number[][] => ck.withBackend(backend, () => {
    const [xb, wb] = [x, w].map((t) => t.detach().to(backend).requiresGrad_(true));
    const y = F.conv2d(xb, wb, null, { stride: 2, padding: 1 });
    const [gx, gw] = ck.autograd.grad(ck.sum(ck.mul(y, y)), [xb, wb]) as ck.Tensor[];
    return [y, gx, gw].map((t) => Array.from(t.dataSync()));
  });
  assert.deepEqual(run('wasm'), run('reference'));
});

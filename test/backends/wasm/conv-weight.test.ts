/**
 * The wasm weight-gradient paths against float64 (bound in test/helpers/conv-bound.ts): Winograd F(3×3, 2×2) on
 * partial tiles and in several chunks per image; the direct kernel for
 * every kernel width it has a micro-kernel for, with partial last vectors, output channels that leave a partial
 * tile, row strides and dilations, images in groups and in row chunks, on 1 and 2 threads with batch 1 (split by
 * output channels) and more (split by image); and the whole-input GEMM (a classifier written as a convolution).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../../src/index.js';
import * as F from '../../../src/ops/conv/index.js';
import type { ConvGeometry } from '../../../src/backends/conv-kernels.js';
import type { ConvOptions } from '../../../src/ops/conv/index.js';
import { DIRECT_MAX_KW, directChunkRows } from '../../../src/backends/wasm/conv-weight-shape.js';
import { isDirectWeightGradient, isWholeInput } from '../../../src/backends/wasm/conv-weight.js';
import { isWinogradWeight } from '../../../src/backends/wasm/winograd-weight.js';
import { assertWithinBound, type Conv } from '../../helpers/conv-bound.js';

ck.setBackend('wasm');

async function onThreads(threads: number, body: () => void): Promise<void> {
  const before = ck.getNumThreads();
  ck.setNumThreads(threads);
  try {
    await ck.ready();
    body();
  } finally {
    ck.setNumThreads(before);
  }
}

const CASES: { what: string; x: number[]; w: number[]; opts: ConvOptions }[] = [
  ...Array.from({ length: DIRECT_MAX_KW }, (_, i) => i + 1).map((kW) => ({
    // 5 output channels: a partial tile for tile heights 2 to 4; 22 outputs wide: a partial last vector
    what: `kernel width ${kW}`, x: [3, 6, 20, 21 + kW], w: [5, 6, 3, kW], opts: { padding: [1, 0] },
  })),
  { what: '3×3 pad 1, 7 small images (grouped per tile call)', x: [7, 16, 6, 9], w: [7, 16, 3, 3], opts: { padding: 1 } },
  { what: 'rows in chunks, odd width', x: [2, 3, 40, 37], w: [4, 3, 3, 5], opts: { padding: [1, 0] } },
  { what: 'row stride 2, row dilation 2, wide padding', x: [3, 3, 23, 18], w: [6, 3, 3, 4], opts: { stride: [2, 1], dilation: [2, 1], padding: [3, 4] } },
  { what: 'single input channel, 5×5 (LeNet conv1)', x: [5, 1, 32, 32], w: [6, 1, 5, 5], opts: {} },
  // ≥ 2²² flops even for one image, so 2 threads split it by output channels
  { what: 'large enough for threads at batch 1', x: [2, 16, 40, 41], w: [20, 16, 3, 3], opts: { padding: 1 } },
  { what: 'whole input (LeNet conv3)', x: [9, 16, 5, 5], w: [120, 16, 5, 5], opts: {} },
  // Winograd F(3×3, 2×2): odd output sizes leave partial tiles and tile rows padded to fours; 2 and 4 chunks of
  // tile rows per image, so threads split one image's chunks
  { what: 'Winograd, odd sizes, no padding', x: [2, 32, 21, 37], w: [36, 32, 3, 3], opts: {} },
  { what: 'Winograd, asymmetric padding, a wide image', x: [1, 32, 18, 100], w: [32, 32, 3, 3], opts: { padding: [2, 1] } },
  // small images go several whole ones per chunk (8 here, the last chunk 7)
  { what: 'Winograd, several small images per chunk', x: [15, 32, 8, 9], w: [36, 32, 3, 3], opts: { padding: 1 } },
];

/** A 2-D geometry with stride and dilation 1 and no padding unless given. */
function geometry(inHW: number[], k: number[], over: Partial<ConvGeometry> = {}): ConvGeometry {
  const out = [inHW[0] - k[0] + 1, inHW[1] - k[1] + 1];
  return { inSize: [1, inHW[0], inHW[1]], outSize: [1, out[0], out[1]], kernelSize: [1, k[0], k[1]], stride: [1, 1, 1],
    dilation: [1, 1, 1], padBefore: [0, 0, 0], groups: 1, ...over };
}

test('the direct and whole-input weight gradients take the geometries meant for them, and only those', () => {
  assert.ok(isDirectWeightGradient(geometry([32, 32], [5, 5]), 6), 'LeNet conv1');
  assert.ok(isDirectWeightGradient(geometry([9, 9], [3, 3], { stride: [1, 2, 1], dilation: [1, 3, 1] }), 6), 'row stride and dilation');
  assert.ok(!isDirectWeightGradient(geometry([9, 9], [3, 3], { stride: [1, 1, 2], outSize: [1, 7, 4] }), 6), 'column stride');
  assert.ok(!isDirectWeightGradient(geometry([9, 9], [3, 3], { dilation: [1, 1, 2], outSize: [1, 7, 5] }), 6), 'column dilation');
  assert.ok(!isDirectWeightGradient(geometry([9, 9], [3, 3], { groups: 2 }), 6), 'groups');
  assert.ok(!isDirectWeightGradient(geometry([9, 9], [9, DIRECT_MAX_KW + 1]), 6), 'too wide a kernel');
  assert.ok(isDirectWeightGradient(geometry([34, 34], [3, 3]), 64) && !isDirectWeightGradient(geometry([10, 10], [3, 3]), 128),
    'many output channels on narrow images go to the GEMM');
  assert.ok(isWinogradWeight(geometry([21, 37], [3, 3]), 2, 32, 36), 'Winograd');
  assert.ok(!isWinogradWeight(geometry([21, 37], [3, 3]), 2, 32, 34), 'Winograd needs output channels in fours');
  assert.ok(!isWinogradWeight(geometry([21, 37], [3, 3], { stride: [1, 2, 2], outSize: [1, 10, 18] }), 2, 32, 36), 'Winograd is stride 1');
  assert.ok(!isWinogradWeight(geometry([21, 37], [3, 3]), 2, 16, 36), 'few channels go to the direct kernel');
  assert.ok(isWholeInput(geometry([5, 5], [5, 5])), 'LeNet conv3');
  assert.ok(!isWholeInput(geometry([5, 5], [3, 3], { padBefore: [0, 1, 1], outSize: [1, 1, 1], stride: [1, 3, 3] })), 'padded');
  // the cases below do reach grouped images and row chunks
  assert.ok(directChunkRows(9) >= 2 * 6 && directChunkRows(38) < 38);
});

for (const threads of [1, 2]) {
  test(`wasm weight gradient on ${threads} thread(s): every direct tile, edges, batch 1 and more`, async () => {
    ck.manualSeed(40 + threads);
    await onThreads(threads, () => {
      for (const c of CASES) {
        const conv: Conv = (x, w) => F.conv2d(x, w, null, c.opts);
        assertWithinBound(conv, ck.randn(c.x), ck.randn(c.w), c.what);
        assertWithinBound(conv, ck.randn([1, ...c.x.slice(1)]), ck.randn(c.w), `${c.what}, batch 1`);
      }
    });
  });
}

test('an infinity read only by a masked lane past the last output does not reach the weight gradient', () => {
  // oW = 13 − 5 + 1 = 9: the last vector has one live lane. x[..., 12] is read only by ow = 8 with kw = 4, so
  // dW[..., kw < 4] is finite in PyTorch; a kernel multiplying masked lanes (0 · ∞ = NaN) would poison it
  ck.manualSeed(43);
  const data = Array.from(ck.randn([4, 3, 20, 13]).dataSync(), (v, i) => (i % 13 === 12 ? Infinity : v));
  const x = ck.tensor(data, { shape: [4, 3, 20, 13] });
  const w = ck.randn([5, 3, 3, 5]).requiresGrad_(true);
  const grad = (backend: string): Float32Array => ck.withBackend(backend, () => {
    const wb = w.detach().to(backend).requiresGrad_(true);
    const [gw] = ck.autograd.grad(ck.sum(F.conv2d(x.to(backend), wb)), [wb]) as ck.Tensor[];
    return gw.dataSync() as Float32Array;
  });
  const [got, want] = [grad('wasm'), grad('reference')];
  let finite = 0;
  for (let i = 0; i < want.length; i++) {
    if (Number.isFinite(want[i])) {
      finite++;
      assert.ok(Math.abs(got[i] - want[i]) <= 1e-4 * (1 + Math.abs(want[i])), `element ${i}: ${got[i]}, reference ${want[i]}`);
    } else {
      assert.ok(!Number.isFinite(got[i]), `element ${i}: ${got[i]}, reference ${want[i]}`);
    }
  }
  assert.equal(finite, 5 * 3 * 3 * 4, 'taps kw = 0..3 stay finite');
});

test('Winograd weight gradient stays within 2·10⁻⁵ of Σ|terms| of the float64 result (typical float32 rounding)', () => {
  // much tighter than the worst-case bound above: a wrong transform coefficient (½ off by 0.1%) fails here
  ck.manualSeed(44);
  const x = ck.randn([2, 32, 21, 37]);
  const gy = ck.randn([2, 36, 19, 35]);
  const gradW = (xs: ck.Tensor, g: ck.Tensor): Float64Array => {
    const w = ck.zeros([36, 32, 3, 3], { dtype: xs.dtype }).requiresGrad_(true);
    const [gw] = ck.autograd.grad(ck.sum(ck.mul(F.conv2d(xs, w), g)), [w]) as ck.Tensor[];
    return Float64Array.from(gw.dataSync());
  };
  const got = gradW(x, gy);
  const exact = ck.withBackend('reference', () => gradW(x.to('reference', 'float64'), gy.to('reference', 'float64')));
  const scale = ck.withBackend('reference', () => gradW(ck.abs(x).to('reference', 'float64'), ck.abs(gy).to('reference', 'float64')));
  for (let i = 0; i < got.length; i++) {
    assert.ok(Math.abs(got[i] - exact[i]) <= 2e-5 * scale[i], `element ${i}: ${got[i]}, exact ${exact[i]}, Σ|terms| ${scale[i]}`);
  }
});

/**
 * The wasm max pooling (four outputs per f32x4 where windows are whole, one at a time at clipped edges) and its
 * gradient against the reference backend: every stride class of the vector path (1, 2, other), padding,
 * dilation, ceil mode, adaptive windows, ties, -inf and NaN, one and two threads, one image and several.
 * Values and indices must be identical: both follow PyTorch's rule (first maximum wins, NaN wins).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../../src/index.js';
import * as F from '../../../src/ops/conv/index.js';
import { regularRun } from '../../../src/backends/wasm/pooling.js';
import { clippedTaps } from '../../../src/backends/wasm/fast/pooling.js';
import { fixedWindows, adaptiveWindows, poolWindows } from '../../../src/ops/conv/pool-windows.js';

/** Moves a tensor made outside to the device a run is on (an op runs on its inputs' device). */
type On = <V>(v: V) => V;
const on: On = (v) => (v instanceof ck.Tensor ? (v.to(ck.getBackend()) as typeof v) : v);
const onBoth = <T>(fn: (on: On) => T): [T, T] => [ck.withBackend('wasm', () => fn(on)), ck.withBackend('reference', () => fn(on))];

function assertSame(fn: (on: On) => ck.Tensor, what: string): void {
  const [fast, ref] = onBoth(fn);
  // an op runs on its inputs' device: a closure over tensors made outside must move them (t.to(ck.getBackend()))
  assert.deepEqual([fast.device, ref.device], ['wasm', 'reference'], `${what}: devices`);
  assert.deepEqual(fast.shape, ref.shape, `${what}: shape`);
  const [a, b] = [fast.dataSync(), ref.dataSync()];
  for (let i = 0; i < b.length; i++) {
    if (!(Object.is(a[i], b[i]) || a[i] === b[i])) assert.fail(`${what}: element ${i} is ${a[i]}, reference ${b[i]}`);
  }
}

/** Small integers (ties in most windows), with runs of -inf and a few NaNs. */
function tiedValues(shape: number[]): ck.Tensor {
  const d = ck.randint(-3, 4, shape).to('float32').dataSync();
  for (let i = 0; i < d.length; i += 53) d[i] = NaN;
  for (let i = 7; i < d.length; i += 89) d.fill(-Infinity, i, Math.min(d.length, i + 9));
  return ck.tensor(d, { shape });
}

function assertPoolSame(x: ck.Tensor, kernel: number | number[], opts: F.MaxPoolOptions, what: string): void {
  assertSame((on) => F.maxPool2d(on(x), kernel, { ...opts, returnIndices: true })[0], `${what} values`);
  assertSame((on) => F.maxPool2d(on(x), kernel, { ...opts, returnIndices: true })[1], `${what} indices`);
}

const CASES: [string, number | number[], F.MaxPoolOptions][] = [
  ['2×2 (stride 2)', 2, {}],
  ['3×3 stride 1', 3, { stride: 1 }],
  ['3×3 stride 2 pad 1', 3, { stride: 2, padding: 1 }],
  ['2×3 stride 3 (lane by lane)', [2, 3], { stride: 3 }],
  ['3×3 stride 1 dilation 2 pad 1', 3, { stride: 1, dilation: 2, padding: 1 }],
  ['ceil mode, stride 2', 3, { stride: 2, ceilMode: true }],
];

test('max pooling: every vector stride, edges, ties, -inf and NaN, one image and several', () => {
  ck.manualSeed(31);
  // all above the size where small inputs go to the JavaScript loops
  for (const shape of [[1, 3, 37, 41], [4, 5, 16, 16], [2, 4, 9, 70]]) {
    const x = tiedValues(shape);
    for (const [what, k, opts] of CASES) assertPoolSame(x, k, opts, `${what} on [${shape}]`);
  }
});

test('max pooling: adaptive windows (uneven, overlapping) take the one-at-a-time path', () => {
  ck.manualSeed(32);
  const x = tiedValues([2, 4, 33, 31]);
  for (const [part, name] of [[0, 'values'], [1, 'indices']] as const) {
    assertSame((on) => ck.nn.functional.adaptiveMaxPool2d(on(x), [5, 7], { returnIndices: true })[part], `adaptive 5×7 ${name}`);
  }
});

test('max pooling on two threads (planes split) matches one thread and the reference', async () => {
  ck.manualSeed(33);
  const x = tiedValues([2, 32, 112, 112]); // ~4·10⁵ windows of 9 taps: above the parallel threshold
  const before = ck.getNumThreads();
  try {
    for (const threads of [1, 2]) {
      ck.setNumThreads(threads);
      await ck.ready(); // the workers have started
      assertPoolSame(x, 3, { stride: 2, padding: 1 }, `3×3 stride 2 pad 1, ${threads} thread(s)`);
    }
  } finally {
    ck.setNumThreads(before);
  }
});

test('max pooling gradient: summed where windows overlap, as the reference', () => {
  ck.manualSeed(34);
  const x = tiedValues([3, 4, 20, 29]);
  for (const [what, k, opts] of CASES) {
    const grad = (): ck.Tensor => {
      const leaf = on(x).detach().requiresGrad_(true);
      const y = F.maxPool2d(leaf, k, { ...opts, returnIndices: false });
      y.backward(ck.arange(y.numel()).reshape(y.shape).to('float32'));
      return leaf.grad as ck.Tensor;
    };
    assertSame(grad, `${what} gradient`);
  }
});

test('regularRun: the whole, evenly spaced windows along W', () => {
  const run = (w: ReturnType<typeof poolWindows>, n: number) => regularRun(w, clippedTaps(w, 2, n));
  // 3×3 stride 2 pad 1 on 9 columns: windows start at -1, 1, 3, 5, 7; the first and last are clipped
  assert.deepEqual(run(poolWindows([fixedWindows(5, 3, 2, 1, 1)]), 9), { size: 3, stride: 2, lo: 1, hi: 4 });
  assert.deepEqual(run(poolWindows([fixedWindows(4, 2, 2, 0, 1)]), 8), { size: 2, stride: 2, lo: 0, hi: 4 });
  // adaptive windows of 7 over 5 outputs: sizes 2 and 3 mixed, so no vector run
  assert.deepEqual(run(poolWindows([adaptiveWindows(5, 7)]), 7), { size: 0, stride: 1, lo: 0, hi: 0 });
});

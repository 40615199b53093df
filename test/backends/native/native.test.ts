/**
 * The native (oneDNN) backend against float64: convolutions of every rank and geometry (forward and both
 * gradients, within the float32 summation bound of test/helpers/conv-bound.ts), transposed convolutions, matmul
 * with transposed and broadcast operands, linear; float64 falls back to the CPU kernels. Where the addon is not
 * built the tests are skipped with the reason and the install line, except in CI, where they must run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../../src/index.js';
import { loadAddon } from '../../../src/backends/native/addon.js';
import { assertWithinBound } from '../../helpers/conv-bound.js';
import { assertClose } from '../../helpers/index.js';

const F = ck.nn.functional;
const available = await ck.ready('native').then(() => null, (e: Error) => e.message);
if (available !== null && process.env.CI) throw new Error(`native backend required in CI: ${available}`);
const nativeTest = (name: string, body: () => void | Promise<void>): void => {
  test(name, { skip: available ?? false }, () => ck.withBackend('native', body as () => void));
};

const CASES: { what: string; x: number[]; w: number[]; conv: (x: ck.Tensor, w: ck.Tensor) => ck.Tensor }[] = [
  { what: 'conv2d 3×3 pad 1', x: [2, 8, 12, 12], w: [16, 8, 3, 3], conv: (x, w) => F.conv2d(x, w, null, { padding: 1 }) },
  { what: "conv2d stride 2 'same' (asymmetric)", x: [4, 5, 13, 14], w: [6, 5, 6, 3], conv: (x, w) => F.conv2d(x, w, null, { stride: [5, 2], padding: 'same' }) },
  { what: 'conv2d dilation 2, stride 3, unread trailing input', x: [6, 4, 20, 17], w: [7, 4, 3, 3], conv: (x, w) => F.conv2d(x, w, null, { stride: 3, dilation: 2 }) },
  { what: 'conv2d groups 4', x: [2, 8, 11, 11], w: [12, 2, 3, 3], conv: (x, w) => F.conv2d(x, w, null, { groups: 4, padding: 1 }) },
  { what: 'depthwise 3×3 stride 2', x: [4, 16, 15, 15], w: [16, 1, 3, 3], conv: (x, w) => F.conv2d(x, w, null, { groups: 16, stride: 2, padding: 1 }) },
  { what: 'pointwise 1×1', x: [4, 32, 7, 7], w: [24, 32, 1, 1], conv: (x, w) => F.conv2d(x, w, null) },
  { what: 'LeNet conv1 5×5 on one channel', x: [8, 1, 32, 32], w: [6, 1, 5, 5], conv: (x, w) => F.conv2d(x, w, null) },
  { what: 'conv1d stride 2 dilation 2', x: [6, 6, 50], w: [8, 6, 5], conv: (x, w) => F.conv1d(x, w, null, { stride: 2, dilation: 2, padding: 3 }) },
  { what: 'conv3d', x: [2, 3, 6, 7, 8], w: [5, 3, 3, 3, 3], conv: (x, w) => F.conv3d(x, w, null, { padding: [1, 0, 1], stride: [1, 2, 1] }) },
  { what: 'conv3d groups 2 dilation', x: [3, 4, 7, 7, 7], w: [6, 2, 2, 3, 2], conv: (x, w) => F.conv3d(x, w, null, { groups: 2, dilation: [2, 1, 3] }) },
  { what: 'convTranspose2d stride 2 output padding', x: [2, 8, 7, 7], w: [8, 6, 3, 3], conv: (x, w) => F.convTranspose2d(x, w, null, { stride: 2, padding: 1, outputPadding: 1 }) },
];

for (const c of CASES) {
  nativeTest(`native ${c.what}: output and both gradients within float32's bound`, () => {
    ck.manualSeed(7);
    assertWithinBound(c.conv, ck.randn(c.x), ck.randn(c.w), c.what);
  });
}

nativeTest('native conv2d with bias matches the reference backend', () => {
  ck.manualSeed(1);
  const [x, w, b] = [ck.randn([2, 6, 10, 10]), ck.randn([9, 6, 3, 3]), ck.randn([9])];
  const ref = F.conv2d(x.to('reference'), w.to('reference'), b.to('reference'), { padding: 1 });
  assert.equal(ref.device, 'reference');
  assertClose(F.conv2d(x, w, b, { padding: 1 }), ref, { atol: 1e-4, rtol: 1e-4 });
});

nativeTest('native matmul: plain, transposed views, batched and broadcast operands against float64', () => {
  ck.manualSeed(2);
  const check = (a: ck.Tensor, b: ck.Tensor): void => {
    const got = ck.matmul(a, b);
    const exact = ck.matmul(a.to('float64'), b.to('float64'));
    assertClose(got, exact.to('float32'), { atol: 1e-4, rtol: 1e-4 });
  };
  check(ck.randn([65, 70]), ck.randn([70, 33]));
  check(ck.randn([70, 65]).t(), ck.randn([70, 33]));
  check(ck.randn([65, 70]), ck.randn([33, 70]).t());
  check(ck.randn([70, 65]).t(), ck.randn([33, 70]).t());
  check(ck.randn([3, 40, 50]), ck.randn([3, 50, 60]));
  check(ck.randn([3, 40, 50]), ck.randn([50, 60]));
  check(ck.randn([40, 50]).expand([2, 40, 50]), ck.randn([2, 60, 50]).transpose(1, 2));
  check(ck.randn([64, 90]).slice(1, 0, 90, 2), ck.randn([45, 64])); // a strided view is gathered first
});

nativeTest('native linear with and without bias, and its gradients, against float64', () => {
  ck.manualSeed(3);
  const x = ck.randn([64, 120], { requiresGrad: true });
  const w = ck.randn([84, 120], { requiresGrad: true });
  const b = ck.randn([84], { requiresGrad: true });
  for (const bias of [b, null]) {
    const y = F.linear(x, w, bias);
    const exact = F.linear(x.to('float64'), w.to('float64'), bias?.to('float64') ?? null);
    assertClose(y, exact.to('float32'), { atol: 1e-4, rtol: 1e-4 });
  }
  const [gx, gw] = ck.autograd.grad(F.linear(x, w, b).square().sum(), [x, w]) as ck.Tensor[];
  const x64 = x.detach().to('float64').requiresGrad_(true);
  const w64 = w.detach().to('float64').requiresGrad_(true);
  const [ex, ew] = ck.autograd.grad(F.linear(x64, w64, b.detach().to('float64')).square().sum(), [x64, w64]) as ck.Tensor[];
  assertClose(gx, ex.to('float32'), { atol: 1e-2, rtol: 1e-4 });
  assertClose(gw, ew.to('float32'), { atol: 1e-2, rtol: 1e-4 });
});

nativeTest('native trains LeNet-5 to the reference backend trajectory within float32 rounding', () => {
  const losses = (backend: string): number[] => ck.withBackend(backend, () => {
    ck.manualSeed(0);
    const model = ck.models.lenet5({ activation: 'relu', pool: 'max' });
    const opt = new ck.optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
    const x = ck.randn([16, 1, 32, 32]);
    const y = ck.randint(0, 10, [16]);
    return Array.from({ length: 5 }, () => {
      opt.zeroGrad();
      const loss = F.crossEntropy(model.call(x), y);
      loss.backward();
      opt.step();
      return loss.item();
    });
  });
  const native = losses('native');
  const reference = losses('reference');
  assert.ok(native[4] < native[0], `loss falls: ${native}`);
  native.forEach((l, i) => assert.ok(Math.abs(l - reference[i]) < 1e-3, `step ${i}: native ${l}, reference ${reference[i]}`));
});

nativeTest('native: oneDNN runs on the thread count ck.setNumThreads sets', () => {
  const addon = loadAddon();
  const before = ck.getNumThreads();
  const [x, w] = [ck.randn([2, 16, 20, 20]), ck.randn([16, 16, 3, 3])];
  try {
    for (const n of [2, 1]) {
      ck.setNumThreads(n);
      assert.equal(F.conv2d(x, w).device, 'native');
      assert.equal(addon.numThreads(), n);
    }
  } finally {
    ck.setNumThreads(before);
  }
});

test('ready("native") either loads oneDNN or rejects naming the install steps', async () => {
  if (available === null) {
    assert.ok(ck.backendNames().includes('native'));
    return;
  }
  await assert.rejects(ck.ready('native'), /libdnnl-dev.*npm run build:native/);
});

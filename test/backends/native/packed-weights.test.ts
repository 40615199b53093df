/**
 * oneDNN's reordered weights are made once per weight version (src/backends/native/packed-weights.ts): repeated
 * forward passes reuse them, every in-place write (copy_, an optimiser step, loadStateDict) makes the next pass see
 * the new weights, and two views of one storage keep their own copies. Results are checked against the reference
 * backend; the number of reorders is counted on the addon.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../../src/index.js';
import { loadAddon, type NativeAddon } from '../../../src/backends/native/addon.js';
import { packGeometry } from '../../../src/backends/native/geometry.js';
import { packedWeights } from '../../../src/backends/native/packed-weights.js';
import type { ConvGeometry } from '../../../src/backends/conv-kernels.js';
import { assertClose } from '../../helpers/index.js';

const F = ck.nn.functional;
const available = await ck.ready('native').then(() => null, (e: Error) => e.message);
if (available !== null && process.env.CI) throw new Error(`native backend required in CI: ${available}`);
const nativeTest = (name: string, body: () => void): void => {
  test(name, { skip: available ?? false }, () => ck.withBackend('native', body));
};

/** conv2d on the reference backend: the textbook loops, independent of oneDNN. */
const referenceConv = (x: ck.Tensor, w: ck.Tensor, b: ck.Tensor | null, padding: number): ck.Tensor =>
  F.conv2d(x.to('reference'), w.to('reference'), b?.to('reference') ?? null, { padding });

nativeTest('native conv sees every in-place weight update: copy_, SGD step, loadStateDict', () => {
  ck.manualSeed(11);
  const conv = new ck.nn.Conv2d(16, 32, 3, { padding: 1 });
  const x = ck.randn([4, 16, 14, 14]);
  let previous: ck.Tensor | null = null;
  const check = (what: string, changed = true): void => {
    const got = ck.noGrad(() => conv.call(x) as ck.Tensor);
    assertClose(got, referenceConv(x, conv.weight, conv.bias, 1), { atol: 1e-3, rtol: 1e-4 }, what);
    // a stale reordered copy would give the previous output: the update must move it well past the tolerance
    if (previous) assert.equal(got.sub(previous).abs().max().item() > 0.05, changed, `${what}: output changed`);
    previous = got;
  };
  check('first pass');
  check('second pass (reordered weights reused)', false);
  ck.noGrad(() => conv.weight.copy_(ck.randn(conv.weight.shape)));
  check('after copy_');
  const opt = new ck.optim.SGD(conv.parameters(), { lr: 0.1 });
  (conv.call(x) as ck.Tensor).square().mean().backward();
  opt.step();
  check('after an SGD step');
  conv.loadStateDict({ weight: ck.randn(conv.weight.shape), bias: ck.randn([32]) });
  check('after loadStateDict');
});

nativeTest('native conv input gradient follows the weights across optimiser steps', () => {
  ck.manualSeed(12);
  const w = ck.randn([24, 8, 3, 3], { requiresGrad: true });
  const opt = new ck.optim.Adam([w], { lr: 0.1 });
  const x = ck.randn([2, 8, 16, 16]);
  for (let step = 0; step < 3; step++) {
    const xg = x.clone().requiresGrad_(true);
    F.conv2d(xg, w, null, { padding: 1 }).square().sum().backward();
    const xr = x.to('reference').requiresGrad_(true);
    F.conv2d(xr, w.detach().to('reference'), null, { padding: 1 }).square().sum().backward();
    assertClose(xg.grad!, xr.grad!, { atol: 1e-2, rtol: 1e-4 }, `step ${step}`);
    opt.step();
    opt.zeroGrad();
  }
});

nativeTest('native conv: two weight views of one storage each get their own reordered copy', () => {
  ck.manualSeed(13);
  const both = ck.randn([2, 16, 8, 3, 3]);
  const x = ck.randn([2, 8, 10, 10]);
  for (let round = 0; round < 2; round++) {
    for (const i of [0, 1]) {
      const w = both.select(0, i);
      assertClose(ck.noGrad(() => F.conv2d(x, w, null, { padding: 1 })), referenceConv(x, w, null, 1), { atol: 1e-3, rtol: 1e-4 }, `view ${i}`);
    }
  }
});

nativeTest('packed weights: one reorder per weight version, into the same array', () => {
  const addon = loadAddon();
  let reorders = 0;
  // the addon's functions are read-only and not enumerable: inherit them, and count the reorders of both primitives
  const counting = Object.create(addon, {
    convPackWeights: { value: (...a: Parameters<NativeAddon['convPackWeights']>) => (reorders++, addon.convPackWeights(...a)) },
    convFusedPackWeights: { value: (...a: Parameters<NativeAddon['convFusedPackWeights']>) => (reorders++, addon.convFusedPackWeights(...a)) },
  }) as NativeAddon;
  const cache = packedWeights(counting);
  const w = ck.randn([64, 64, 3, 3]);
  const g: ConvGeometry = { inSize: [1, 56, 56], outSize: [1, 56, 56], kernelSize: [1, 3, 3], stride: [1, 1, 1], dilation: [1, 1, 1], padBefore: [0, 1, 1], groups: 1 };
  const geometry = packGeometry(8, 64, 64, g);
  const plain = (): Float32Array => w.dataSync() as Float32Array;
  const first = cache.getBackwardData(w, plain(), geometry);
  if (first === null) return; // oneDNN chose to read OIHW as it is on this CPU: nothing to cache
  assert.equal(cache.getBackwardData(w, plain(), geometry), first);
  assert.equal(reorders, 1, 'a second call with the same version reorders nothing');
  ck.noGrad(() => w.mul_(2));
  const second = cache.getBackwardData(w, plain(), geometry);
  assert.equal(reorders, 2, 'an in-place write makes the next call reorder');
  assert.equal(second, first, 'the reorder reuses the array');
  // the forward convolution (no fused operands) reads the weights in a layout of its own
  const forward = cache.getFused(w, plain(), geometry, 0);
  assert.equal(reorders, forward ? 3 : 2, 'the forward primitive reorders into its own copy');
  assert.notEqual(forward, second, 'the forward primitive does not share the input gradient\'s copy');
});

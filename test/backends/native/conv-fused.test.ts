/**
 * The native backend's inference convolutions (src/backends/native/conv-forward.ts): the fused conv + BatchNorm
 * affine + residual + ReLU kernel against conv then channelAffine on the reference backend (textbook loops,
 * independent of oneDNN); activations kept in oneDNN's blocked layout between convolutions, and every other reader
 * (values, in-place writes, views) seeing plain NCHW; ck.fuse(resnet) on native against PyTorch's eval-mode logits
 * (test/fixtures/models-parity.json, tools/gen_model_fixtures.py). Skipped with the install line where the addon is
 * not built, except in CI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../../src/index.js';
import type { Kernels } from '../../../src/backends/backend.js';
import { findBackend } from '../../../src/backends/registry.js';
import { Layout, loadAddon } from '../../../src/backends/native/addon.js';
import { BlockedStorage } from '../../../src/backends/native/blocked-storage.js';
import { convChannelAffine, type ConvOptions } from '../../../src/ops/conv/conv.js';
import { assertClose, loadFixture, type TensorSpec } from '../../helpers/index.js';
import { fillHashWeights, hashInput } from '../../helpers/hash-weights.js';
import { assertLogits, build, type Call } from '../../models/zoo.js';

const F = ck.nn.functional;
const available = await ck.ready('native').then(() => null, (e: Error) => e.message);
if (available !== null && process.env.CI) throw new Error(`native backend required in CI: ${available}`);
const nativeTest = (name: string, body: () => void): void => {
  test(name, { skip: available ?? false }, () => ck.withBackend('native', body));
};
const ref = (t: ck.Tensor | null): ck.Tensor | null => t && t.to('reference');
const blocked = (t: ck.Tensor): boolean => t.storage instanceof BlockedStorage && t.storage.blocked !== null;

interface Case {
  what: string;
  nd: 1 | 2 | 3;
  x: number[];
  w: number[];
  opts: ConvOptions;
  bias?: boolean;
  shift?: boolean;
  residual?: boolean;
  relu: boolean;
}

const CASES: Case[] = [
  { what: 'ResNet 3×3 with shortcut and ReLU', nd: 2, x: [2, 16, 14, 14], w: [16, 16, 3, 3], opts: { padding: 1 }, shift: true, residual: true, relu: true },
  { what: 'ResNet stem 7×7 stride 2 on 3 channels', nd: 2, x: [1, 3, 40, 40], w: [16, 3, 7, 7], opts: { stride: 2, padding: 3 }, shift: true, relu: true },
  { what: 'downsample 1×1 stride 2, no ReLU', nd: 2, x: [2, 32, 9, 9], w: [64, 32, 1, 1], opts: { stride: 2 }, shift: true, relu: false },
  { what: 'bias, no shift, residual', nd: 2, x: [2, 8, 11, 11], w: [16, 8, 3, 3], opts: { padding: 1 }, bias: true, residual: true, relu: true },
  { what: 'channels not a multiple of 16, groups 2', nd: 2, x: [3, 12, 10, 10], w: [20, 6, 3, 3], opts: { padding: 1, groups: 2 }, shift: true, residual: true, relu: true },
  { what: 'conv1d', nd: 1, x: [2, 16, 40], w: [32, 16, 3], opts: { padding: 1 }, shift: true, residual: true, relu: true },
  { what: 'conv3d (plain layout)', nd: 3, x: [1, 8, 6, 7, 8], w: [16, 8, 3, 3, 3], opts: { padding: 1 }, shift: true, residual: true, relu: true },
];

for (const c of CASES) {
  nativeTest(`native fused conv + affine (${c.what}) equals conv then channelAffine on the reference backend`, () => {
    ck.manualSeed(5);
    const x = ck.randn(c.x);
    const w = ck.randn(c.w).mul(0.2);
    const bias = c.bias ? ck.randn([c.w[0]]) : null;
    const scale = ck.rand([c.w[0]]).add(0.5);
    const shift = c.shift ? ck.randn([c.w[0]]) : null;
    const plainOut = F[`conv${c.nd}d`](x, w, bias, c.opts);
    const residual = c.residual ? ck.randn(plainOut.shape) : null;
    const expected = ck.channelAffine(F[`conv${c.nd}d`](ref(x)!, ref(w)!, ref(bias), c.opts), ref(scale)!, ref(shift), { residual: ref(residual), relu: c.relu });
    const got = convChannelAffine(c.nd, x, w, bias, c.opts, { scale, shift, residual, relu: c.relu });
    assert.equal(got.device, 'native');
    assert.deepEqual(got.shape, expected.shape);
    assertClose(got, expected, { atol: 1e-4, rtol: 1e-4 }, c.what);
    if (c.relu) assert.ok(got.min().item() >= 0, `${c.what}: ReLU applied`);
  });
}

nativeTest('native fused conv reads a blocked residual and input as they are, and a grad-recording call runs the ops in turn', () => {
  ck.manualSeed(6);
  const x = ck.randn([2, 16, 12, 12]);
  const [w0, w1] = [ck.randn([32, 16, 3, 3]).mul(0.1), ck.randn([32, 32, 3, 3]).mul(0.1)];
  const scale = ck.rand([32]).add(0.5);
  const shift = ck.randn([32]);
  const y0 = F.conv2d(x, w0, null, { padding: 1 });
  assert.ok(blocked(y0), 'a native conv2d leaves its output blocked');
  const got = convChannelAffine(2, y0, w1, null, { padding: 1 }, { scale, shift, residual: y0, relu: true });
  assert.ok(blocked(y0), 'read as it is: no plain copy was made');
  const y0r = F.conv2d(ref(x)!, ref(w0)!, null, { padding: 1 });
  const expected = ck.channelAffine(F.conv2d(y0r, ref(w1)!, null, { padding: 1 }), ref(scale)!, ref(shift), { residual: y0r, relu: true });
  assertClose(got, expected, { atol: 1e-3, rtol: 1e-4 });
  // with autograd recording, conv and channelAffine run (and record) in turn: the gradient reaches the scale
  const s = scale.clone().requiresGrad_();
  const out = convChannelAffine(2, y0, w1, null, { padding: 1 }, { scale: s, shift, residual: null, relu: false });
  out.sum().backward();
  assertClose(s.grad!, F.conv2d(y0r, ref(w1)!, null, { padding: 1 }).sum([0, 2, 3]), { atol: 1e-2, rtol: 1e-4 });
});

nativeTest('native convolutions keep activations blocked; values, in-place writes and views see plain NCHW', () => {
  ck.manualSeed(7);
  const x = ck.randn([2, 16, 10, 10]);
  const [w0, w1] = [ck.randn([32, 16, 3, 3]).mul(0.1), ck.randn([16, 32, 3, 3]).mul(0.1)];
  const y = F.conv2d(x, w0, null, { padding: 1 });
  const yr = F.conv2d(ref(x)!, ref(w0)!, null, { padding: 1 });
  const z = F.conv2d(y, w1, null, { padding: 1 });
  assert.ok(blocked(y) && blocked(z), 'conv → conv: no reorder to plain in between');
  assertClose(z, F.conv2d(yr, ref(w1)!, null, { padding: 1 }), { atol: 1e-3, rtol: 1e-4 }, 'conv of a blocked input');
  // a view of part of it (offset) reads the plain elements
  assertClose(F.conv2d(y.narrow(0, 1, 1), w1, null, { padding: 1 }), F.conv2d(yr.narrow(0, 1, 1), ref(w1)!, null, { padding: 1 }), { atol: 1e-3, rtol: 1e-4 }, 'view');
  assertClose(y, yr, { atol: 1e-4, rtol: 1e-4 }, 'values read back in NCHW order');
  assert.ok(!blocked(y), 'reading the elements leaves one plain copy');
  // an in-place write goes to that copy, and the next conv sees it
  y.add_(1);
  assertClose(F.conv2d(y, w1, null, { padding: 1 }), F.conv2d(yr.add(1), ref(w1)!, null, { padding: 1 }), { atol: 1e-3, rtol: 1e-4 }, 'after add_');
  const v = F.conv2d(x, w0, null, { padding: 1 });
  v.mul_(2);
  assertClose(v, yr.mul(2), { atol: 1e-4, rtol: 1e-4 }, 'mul_ on a blocked output');
  assert.equal(y.storage.length, 2 * 32 * 10 * 10);
});

const parity = loadFixture<Record<string, Call & { inputShape: number[]; logits: TensorSpec }>>('models-parity');

for (const name of ['resnet18', 'resnet50']) {
  nativeTest(`ck.fuse(${name}) on native: every conv + BatchNorm (+ add + ReLU) fused, logits equal PyTorch's`, () => {
    const c = parity[name];
    const model = ck.fuse(fillHashWeights(build(c)).eval());
    const k = findBackend('native').kernels as Kernels;
    const kernel = k.convChannelAffine!;
    let calls = 0;
    k.convChannelAffine = (...a) => (calls++, kernel(...a));
    try {
      const logits = ck.noGrad(() => model.forward(hashInput(c.inputShape)) as ck.Tensor);
      assertLogits(logits, c.logits, `${name} fused on native`);
    } finally {
      k.convChannelAffine = kernel;
    }
    const convs = [...model.modules()].filter((m) => m instanceof ck.nn.Conv2d).length;
    assert.equal(calls, convs, `${name}: one fused kernel per convolution`);
  });
}

test('addon convFused and toPlain refuse a layout whose channel blocks the activation does not fill, and bad arguments', { skip: available ?? false }, () => {
  const addon = loadAddon();
  // 12 channels: nChw16c would pad them to 16 and read past the array's end
  const geometry = Int32Array.from([1, 12, 16, 1, 1, 5, 5, 1, 5, 5, 1, 3, 3, 1, 1, 1, 1, 1, 1, 0, 1, 1]);
  const [x, w, y] = [new Float32Array(12 * 25), new Float32Array(16 * 12 * 9), new Float32Array(16 * 25)];
  assert.throws(() => addon.convFused(x, Layout.Blocked16, w, null, null, null, null, null, Layout.Plain, y, geometry, false, true), /12 channels do not fill/);
  assert.throws(() => addon.toPlain(x, new Float32Array(12 * 25), 1, 12, 5, 5, Layout.Blocked16), /12 channels do not fill/);
  assert.throws(() => addon.toPlain(x, new Float32Array(12 * 25), 1, 12, 5, 5, 7 as Layout), /expected a layout 0 to 3, got 7/);
  assert.throws(() => addon.convFused(x, Layout.Plain, w, null, null, null, null, null, Layout.Plain, new Float32Array(3), geometry, false, true), /y: expected at least 400 elements, got 3/);
});

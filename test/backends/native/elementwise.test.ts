/**
 * The addon's in-place elementwise passes (src/backends/native/elementwise.ts) give the reference backend's
 * results bit for bit: channelAffine (BatchNorm's affine end with shortcut and ReLU, NaN passing the ReLU) and
 * scaleAdd_ (the optimisers' update, with y aliasing x and strided views falling back).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../../src/index.js';
import { channelAffine } from '../../../src/ops/channel-affine.js';
import { scaleAdd_ } from '../../../src/ops/scale-add.js';

const available = await ck.ready('native').then(() => null, (e: Error) => e.message);
if (available !== null && process.env.CI) throw new Error(`native backend required in CI: ${available}`);
const nativeTest = (name: string, body: () => void): void => {
  test(name, { skip: available ?? false }, () => ck.withBackend('native', body));
};

const bits = (t: ck.Tensor): number[] => Array.from(new Uint32Array(Float32Array.from(t.to('reference').dataSync()).buffer));
const assertSameBits = (got: ck.Tensor, want: ck.Tensor, what: string): void => {
  assert.equal(got.device, 'native', what);
  assert.deepEqual(bits(got), bits(want), what);
};

nativeTest('native channelAffine: with and without shift, residual and ReLU, bit for bit the reference backend', () => {
  ck.manualSeed(21);
  const xd = ck.randn([4, 16, 20, 20]).dataSync() as Float32Array;
  xd[5] = NaN; // passes through the ReLU, as torch.relu
  const x = ck.tensor(Array.from(xd)).reshape([4, 16, 20, 20]);
  assert.ok(Number.isNaN(x.flatten().dataSync()[5]));
  const [scale, shift, residual] = [ck.randn([16]), ck.randn([16]), ck.randn([4, 16, 20, 20])];
  const ref = (t: ck.Tensor | null): ck.Tensor | null => t && t.to('reference');
  for (const withShift of [true, false]) {
    for (const withResidual of [true, false]) {
      for (const relu of [true, false]) {
        const s = withShift ? shift : null;
        const r = withResidual ? residual : null;
        const got = channelAffine(x, scale, s, { residual: r, relu });
        const want = channelAffine(ref(x)!, ref(scale)!, ref(s), { residual: ref(r), relu });
        assertSameBits(got, want, `shift ${withShift}, residual ${withResidual}, relu ${relu}`);
      }
    }
  }
  // a transposed residual is gathered first
  const rt = ck.randn([4, 16, 20, 20]).transpose(2, 3);
  assertSameBits(channelAffine(x, scale, shift, { residual: rt, relu: true }), channelAffine(ref(x)!, ref(scale)!, ref(shift), { residual: ref(rt), relu: true }), 'strided residual');
});

nativeTest('native scaleAdd_: dense, y aliasing x, and a strided view, bit for bit the reference backend', () => {
  ck.manualSeed(22);
  const run = (device: string, make: (x: ck.Tensor, y: ck.Tensor) => void): ck.Tensor => {
    ck.manualSeed(23);
    const x = ck.randn([300, 301]).to(device);
    const y = ck.randn([300, 301]).to(device);
    ck.noGrad(() => make(x, y));
    return x;
  };
  const cases: [string, (x: ck.Tensor, y: ck.Tensor) => void][] = [
    ['dense', (x, y) => scaleAdd_(x, 0.9, y, -0.1)],
    ['y is x', (x) => scaleAdd_(x, 1.1, x, 0.3)],
    ['y overlaps x one row on', (x) => scaleAdd_(x.narrow(0, 0, 299), 1, x.narrow(0, 1, 299), -0.5)],
    ['strided x', (x, y) => scaleAdd_(x.t(), 0.5, y.t(), 2)],
  ];
  for (const [what, make] of cases) assertSameBits(run('native', make), run('reference', make), what);
});

nativeTest('native SGD with momentum: a step moves the parameters exactly as on the reference backend', () => {
  const step = (device: string): ck.Tensor => {
    ck.manualSeed(24);
    const p = ck.randn([1000]).to(device).requiresGrad_(true);
    const opt = new ck.optim.SGD([p], { lr: 0.1, momentum: 0.9, weightDecay: 1e-4 });
    for (let i = 0; i < 3; i++) {
      opt.zeroGrad();
      p.square().sum().backward();
      opt.step();
    }
    return p.detach();
  };
  assertSameBits(step('native'), step('reference'), 'after 3 steps');
});

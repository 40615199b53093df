/**
 * The native backend's training kernels (src/backends/native/training.ts):
 * - the optimisers' one-pass update follows PyTorch 1.13's trajectories (test/fixtures/optim.json from
 *   tools/gen_optim_fixtures.py) and gives the op sequence it replaces (native with the kernel taken out) bit for
 *   bit, in float32 and float64;
 * - BatchNorm's training reductions give the op sequence's statistics and gradients (the default, with the kernels
 *   taken out), update the running statistics as PyTorch does (unbiased variance, momentum, momentum null), and a
 *   double backward through BatchNorm on native equals the reference's;
 * - ReLU, its gradient and max pooling's gradient keep PyTorch's NaN and infinity rules and refuse bad indices;
 * - sums over all dims but one block (bias gradients) take one native pass and agree with the reference.
 * The kernels also meet the reference kernels on strided views in test/backends/kernels.test.ts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../../src/index.js';
import { findBackend } from '../../../src/backends/registry.js';
import type { OptionalKernels } from '../../../src/backends/backend.js';
import { batchNormBackwardSums, batchNormStatistics } from '../../../src/ops/batchnorm-sums.js';
import { assertClose, fromSpec } from '../../helpers/index.js';
import { keptBlock } from '../../../src/backends/native/reduce.js';
import { OPTIM_CASES as CASES, optimFixture as fx } from '../../helpers/optim-cases.js';

const available = await ck.ready('native').then(() => null, (e: Error) => e.message);
if (available !== null && process.env.CI) throw new Error(`native backend required in CI: ${available}`);
const skip = available ?? false;
const { nn, optim } = ck;

/** Runs body with the native backend's `names` kernels taken out: the ops' defaults run instead. */
function without<T>(names: (keyof OptionalKernels)[], body: () => T): T {
  const kernels = findBackend('native').kernels as unknown as Record<string, unknown>;
  const saved = names.map((n) => kernels[n]);
  names.forEach((n) => delete kernels[n]);
  try {
    return body();
  } finally {
    names.forEach((n, i) => (kernels[n] = saved[i]));
  }
}

const host = (t: ck.Tensor): number[] => Array.from(t.to('reference').dataSync());
const bits = (t: ck.Tensor): string => {
  const v = t.to('reference').dataSync();
  // the raw bits (NaN payloads and -0 included), as one string for one assertion
  return (t.dtype === 'float64' ? new BigUint64Array(Float64Array.from(v).buffer) : new Uint32Array(Float32Array.from(v).buffer)).join(',');
};

function makeModel(device: string, dtype: ck.DType): ck.nn.Sequential {
  const m = new nn.Sequential(new nn.Conv2d(1, 3, 3, { padding: 1 }), new nn.Tanh(), new nn.BatchNorm2d(3), new nn.AvgPool2d(2), new nn.Flatten(), new nn.Linear(12, 3));
  m.loadStateDict(Object.fromEntries(Object.entries(fx.initial).map(([k, s]) => [k, fromSpec(s)])));
  return m.to(device).to(dtype);
}

/** `steps` steps of one case: each step's loss and the parameters after it, and how often the fused kernel ran. */
function run(name: string, steps: number, device = 'native', dtype: ck.DType = 'float32'): { losses: number[]; params: ck.Tensor[]; fused: number } {
  const [x, y] = [fromSpec(fx.x).to(device).to(dtype), fromSpec(fx.y).to(device)];
  const model = makeModel(device, dtype);
  const opt = CASES[name](model);
  const kernels = findBackend(device).kernels as unknown as Record<string, unknown>;
  const kernel = kernels.optimizerStep as ((...a: unknown[]) => void) | undefined;
  const out = { losses: [] as number[], params: [] as ck.Tensor[], fused: 0 };
  if (kernel) kernels.optimizerStep = (...a: unknown[]) => (out.fused++, kernel(...a));
  try {
    for (let i = 0; i < steps; i++) {
      opt.zeroGrad();
      const loss = nn.functional.crossEntropy(model.forward(x), y);
      loss.backward();
      opt.step();
      out.losses.push(loss.item());
      out.params.push(nn.utils.parametersToVector(model.parameters()));
    }
  } finally {
    if (kernel) kernels.optimizerStep = kernel;
  }
  return out;
}

describe('native optimizerStep', { skip }, () => {
  for (const [name, expected] of Object.entries(fx.cases).filter(([n]) => CASES[n])) {
    test(`${name}: PyTorch's trajectory, one fused update per parameter per step`, () => {
      const got = run(name, expected.losses.length);
      for (let i = 0; i < expected.losses.length; i++) {
        assert.ok(Math.abs(got.losses[i] - expected.losses[i]) <= 1e-5 * (1 + Math.abs(expected.losses[i])), `${name}: loss at step ${i}: ${got.losses[i]} vs ${expected.losses[i]}`);
        assertClose(got.params[i], expected.params[i], { rtol: 1e-5, atol: 1e-6 }, `${name}: parameters after step ${i + 1}`);
      }
      assert.equal(got.fused, 6 * expected.losses.length, `${name}: 6 parameters, one kernel call each per step`);
    });
  }

  test('the fused update gives the op sequence it replaces bit for bit, float32 and float64', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      for (const name of Object.keys(CASES)) {
        const fused = run(name, 3, 'native', dtype);
        const ops = without(['optimizerStep'], () => run(name, 3, 'native', dtype));
        assert.equal(fused.fused, 18, `${name} ${dtype}: the kernel ran for each of 6 parameters in each of 3 steps`);
        assert.equal(ops.fused, 0, `${name} ${dtype}: the op sequence ran without the kernel`);
        for (let i = 0; i < 3; i++) assert.equal(bits(fused.params[i]), bits(ops.params[i]), `${name} ${dtype}, step ${i + 1}`);
      }
    }
  });

  test('a strided parameter is updated through its view', () => {
    const base = ck.randn([6, 4], { device: 'native', generator: new ck.Generator(3) });
    const p = base.t().requiresGrad_(); // a non-contiguous leaf view
    const ref = base.to('reference').t().requiresGrad_();
    for (const t of [p, ref]) {
      const opt = new optim.Adam([t], { lr: 0.1 });
      t.square().sum().backward();
      opt.step();
    }
    assert.equal(bits(p), bits(ref));
  });
});

describe('native BatchNorm training reductions', { skip }, () => {
  const x = (dtype: ck.DType): ck.Tensor => ck.randn([6, 4, 5, 7], { device: 'native', generator: new ck.Generator(11), dtype }).mul(3).add(2);

  test('batchNormStatistics and batchNormBackwardSums give the op sequence (their default), strided input too', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const tol = dtype === 'float32' ? { rtol: 1e-5, atol: 1e-5 } : { rtol: 1e-12, atol: 1e-12 };
      for (const input of [x(dtype), x(dtype).transpose(2, 3)]) {
        const gy = ck.randn(input.shape, { device: 'native', generator: new ck.Generator(12), dtype });
        const [m, v] = batchNormStatistics(input);
        const [dm, dv] = without(['batchNormStatistics', 'batchNormBackwardSums'], () => batchNormStatistics(input));
        assertClose(m, dm, tol, `${dtype} mean`);
        assertClose(v, dv, tol, `${dtype} variance`);
        const [a, b] = batchNormBackwardSums(gy, input, m);
        const [da, db] = without(['batchNormStatistics', 'batchNormBackwardSums'], () => batchNormBackwardSums(gy, input, m));
        assertClose(a, da, tol, `${dtype} Σ gy`);
        assertClose(b, db, tol, `${dtype} Σ gy·(x − mean)`);
      }
    }
  });

  test('the reductions check their arguments', () => {
    const t = x('float32');
    assert.throws(() => batchNormStatistics(ck.zeros([4], { device: 'native' })), /batchNormStatistics: expected a floating input \[N, C, \.\.\.\], got \[4\] float32/);
    assert.throws(() => batchNormBackwardSums(ck.zeros([6, 4, 5, 6], { device: 'native' }), t, ck.zeros([4], { device: 'native' })), /batchNormBackwardSums: expected gy of shape \[6, ?4, ?5, ?7\] and dtype float32/);
    assert.throws(() => batchNormBackwardSums(t, t, ck.zeros([3], { device: 'native' })), /batchNormBackwardSums: expected mean of shape \[4\] and dtype float32, got \[3\] float32/);
  });

  /** A BatchNorm2d forward and backward in training on `device`: output, gradients, running statistics. */
  function bnStep(device: string, momentum: number | null, createGraph = false): Record<string, ck.Tensor> {
    ck.manualSeed(5);
    const bn = new nn.BatchNorm2d(4, { momentum }).to(device);
    setAffine(bn);
    const input = x('float32').to(device).requiresGrad_();
    const residual = ck.randn([6, 4, 5, 7], { generator: new ck.Generator(13) }).to(device);
    const out = bn.forwardThen(input, { residual, relu: true });
    bn.forward(input.mul(0.5)); // a second batch: momentum null averages the two
    const w = ck.randn([6, 4, 5, 7], { generator: new ck.Generator(14) }).to(device);
    const loss = out.mul(w).sum();
    const gx = ck.autograd.grad([loss], [input], { createGraph, retainGraph: true })[0]!;
    const result: Record<string, ck.Tensor> = { out, gx, runningMean: bn.runningMean!, runningVar: bn.runningVar! };
    if (createGraph) result.ggx = ck.autograd.grad([gx.square().sum()], [input], { retainGraph: true })[0]!;
    loss.backward();
    result.gw = bn.weight!.grad!;
    result.gb = bn.bias!.grad!;
    return result;
  }
  /** Weight and bias away from 1 and 0, so that their gradients and the affine path are exercised. */
  function setAffine(bn: ck.nn.BatchNorm2d): void {
    ck.noGrad(() => {
      bn.weight!.copy_(ck.tensor([0.5, -1.5, 2, 1.25]).to(bn.weight!.device));
      bn.bias!.copy_(ck.tensor([0.1, 0.2, -0.3, 0.4]).to(bn.bias!.device));
    });
  }

  for (const momentum of [0.1, null]) {
    test(`BatchNorm2d training with the kernels equals the reference backend's op sequence (momentum ${momentum}, residual and ReLU, two batches)`, () => {
      const [got, want] = [bnStep('native', momentum), bnStep('reference', momentum)];
      for (const k of Object.keys(want)) assertClose(got[k], want[k], { rtol: 1e-4, atol: 1e-5 }, k);
    });
  }

  test('a double backward through BatchNorm on native (kernel forward) equals the reference', () => {
    const [got, want] = [bnStep('native', 0.1, true), bnStep('reference', 0.1, true)];
    assertClose(got.ggx, want.ggx, { rtol: 1e-3, atol: 1e-4 }, 'grad of grad');
  });
});

describe('native ReLU, threshold_backward and max pooling gradient', { skip }, () => {
  test('NaN passes ReLU; threshold_backward passes g where the saved value is NaN and zeroes an infinite g below it', () => {
    const x = ck.tensor([-1, 0, 2, NaN, -0, 3], { device: 'native' });
    assert.deepEqual(host(x.relu()).map(String), ['0', '0', '2', 'NaN', '0', '3']);
    const kernels = findBackend('native').kernels;
    const g = ck.tensor([1, Infinity, 3, 4, NaN, 6], { device: 'native' });
    const out = kernels.activationBackward!('threshold', g, x, 0, 'float32');
    assert.deepEqual(Array.from(findBackend('native').readSync!(out)).map(String), ['0', '0', '3', '4', '0', '6']);
  });

  test('max pooling (stride 1 and 2, padding, ceil mode, dilation, adaptive, 3-D; ties and NaN) gives the reference values and indices', () => {
    const data = ck.randn([2, 3, 11, 13], { generator: new ck.Generator(8) }).dataSync() as Float32Array;
    data[20] = NaN; // NaN wins its windows
    data[40] = data[41] = data[42] = 5; // ties keep the first maximum
    const x = ck.tensor(Array.from(data)).reshape([2, 3, 11, 13]);
    const F = nn.functional;
    const cases: [string, (t: ck.Tensor) => ck.Tensor[]][] = [
      ['2×2 stride 2', (t) => F.maxPool2d(t, 2, { returnIndices: true }) as ck.Tensor[]],
      ['3×3 stride 1 padding 1', (t) => F.maxPool2d(t, 3, { stride: 1, padding: 1, returnIndices: true }) as ck.Tensor[]],
      ['3×3 stride 2 padding 1 ceil', (t) => F.maxPool2d(t, 3, { stride: 2, padding: 1, ceilMode: true, returnIndices: true }) as ck.Tensor[]],
      ['2×2 dilation 2 stride 3', (t) => F.maxPool2d(t, 2, { stride: 3, dilation: 2, returnIndices: true }) as ck.Tensor[]],
      ['adaptive 4×5', (t) => F.adaptiveMaxPool2d(t, [4, 5], { returnIndices: true }) as ck.Tensor[]],
      ['3-D 2×2×2', (t) => F.maxPool3d(t.reshape([2, 3, 1, 11, 13]).expand([2, 3, 2, 11, 13]).contiguous(), [2, 2, 2], { stride: [1, 2, 2], returnIndices: true }) as ck.Tensor[]],
    ];
    for (const [what, pool] of cases) {
      const [got, want] = [pool(x.to('native')), pool(x)];
      assert.equal(bits(got[0]), bits(want[0]), `${what}: values`);
      assert.deepEqual(host(got[1]), host(want[1]), `${what}: indices`);
    }
  });

  test('maxPoolBackward refuses an index outside its input plane', () => {
    const kernels = findBackend('native').kernels;
    const gy = ck.ones([1, 1, 1, 1, 2], { device: 'native' });
    const idx = ck.tensor([0, 4], { dtype: 'int32', device: 'native' }).reshape([1, 1, 1, 1, 2]);
    assert.throws(() => kernels.maxPoolBackward!(gy, idx, [1, 1, 4]), /maxPoolBackward: an index lies outside its input plane of 4 elements/);
  });

  test('max pooling gradients with overlapping windows accumulate as the reference', () => {
    const x = ck.randn([2, 3, 9, 9], { generator: new ck.Generator(2) });
    const grads = ['native', 'reference'].map((d) => {
      const t = x.to(d).requiresGrad_();
      nn.functional.maxPool2d(t, 3, { stride: 2, padding: 1 }).square().sum().backward();
      return t.grad!;
    });
    assert.equal(bits(grads[0]), bits(grads[1]));
  });
});

describe('native per-channel sums (bias gradients)', { skip }, () => {
  test('keptBlock finds [batch, channels, inner] where the kept dims are one block, and nothing otherwise', () => {
    assert.deepEqual(keptBlock([64, 6, 1, 28, 28], [0, 2, 3, 4]), [64, 6, 784]);
    assert.deepEqual(keptBlock([64, 120], [0]), [64, 120, 1]);
    assert.deepEqual(keptBlock([4, 5, 6], [0, 1, 2]), [120, 1, 1]);
    assert.deepEqual(keptBlock([4, 5, 6, 7], [0, 3]), [4, 30, 7]);
    assert.equal(keptBlock([4, 5, 6], [1]), null);
  });

  test('sums over those dims agree with the reference backend (float64 accumulation), other reductions fall back', () => {
    const x = ck.randn([8, 6, 10, 12], { generator: new ck.Generator(31) }).mul(4).add(1);
    for (const dims of [[0, 2, 3], [0], [0, 1, 2, 3], [2, 3], [1, 3]]) {
      assertClose(x.to('native').sum(dims), x.sum(dims), { rtol: 1e-5, atol: 1e-4 }, `sum over [${dims}]`);
    }
    assertClose(x.to('native').transpose(1, 2).sum([0, 2]), x.transpose(1, 2).sum([0, 2]), { rtol: 1e-5, atol: 1e-4 }, 'strided input');
    assertClose(x.to('native').amax([0, 2, 3]), x.amax([0, 2, 3]), { rtol: 0, atol: 0 }, 'max over the same dims');
  });
});

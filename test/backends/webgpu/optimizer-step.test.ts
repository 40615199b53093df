/**
 * The optimisers' fused updates on webgpu (one kernel per parameter, src/backends/webgpu/optimizer.ts):
 * PyTorch 1.13's trajectories (test/fixtures/optim.json from tools/gen_optim_fixtures.py) step by step, the fused
 * path against the op sequence it replaces (the default, run on webgpu with the kernel taken out), and one
 * dispatch per parameter per step.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../../src/index.js';
import { findBackend } from '../../../src/backends/registry.js';
import type { WebGpuBackend } from '../../../src/backends/webgpu/index.js';
import { fromSpec } from '../../helpers/index.js';
import { assertCloseGpu, startWebgpu } from '../../helpers/webgpu.js';
import { OPTIM_CASES as CASES, optimFixture as fx } from '../../helpers/optim-cases.js';

const skip = await startWebgpu('test/backends/webgpu/optimizer-step.test.ts');
const { nn, optim } = ck;

function makeModel(): ck.nn.Sequential {
  const m = new nn.Sequential(new nn.Conv2d(1, 3, 3, { padding: 1 }), new nn.Tanh(), new nn.BatchNorm2d(3), new nn.AvgPool2d(2), new nn.Flatten(), new nn.Linear(12, 3));
  m.loadStateDict(Object.fromEntries(Object.entries(fx.initial).map(([k, s]) => [k, fromSpec(s)])));
  return m;
}

/** `steps` steps of one case on webgpu: each step's loss and parameters, and the dispatches of each opt.step(). */
function run(name: string, steps: number): { losses: ck.Tensor[]; params: ck.Tensor[]; stepDispatches: number[]; count: number } {
  const gpu = findBackend('webgpu') as WebGpuBackend;
  const [x, y] = [fromSpec(fx.x), fromSpec(fx.y)];
  const model = makeModel();
  const opt = CASES[name](model);
  const out = { losses: [] as ck.Tensor[], params: [] as ck.Tensor[], stepDispatches: [] as number[], count: model.parameters().length };
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    const loss = nn.functional.crossEntropy(model.forward(x), y);
    loss.backward();
    const before = gpu.stats().dispatches;
    opt.step();
    out.stepDispatches.push(gpu.stats().dispatches - before);
    out.losses.push(loss.detach());
    out.params.push(nn.utils.parametersToVector(model.parameters()));
  }
  return out;
}

/** The same run with the backend's fused kernel taken out: the optimisers' op sequence on webgpu. */
function runUnfused(name: string, steps: number): ReturnType<typeof run> {
  const kernels = findBackend('webgpu').kernels;
  const fused = kernels.optimizerStep;
  delete kernels.optimizerStep;
  try {
    return run(name, steps);
  } finally {
    kernels.optimizerStep = fused;
  }
}

describe('fused optimiser updates on webgpu', { skip: skip ?? false }, () => {
  for (const [name, expected] of Object.entries(fx.cases).filter(([n]) => CASES[n])) {
    test(`${name}: PyTorch's trajectory, one dispatch per parameter per step`, async () => {
      const got = run(name, expected.losses.length);
      for (let i = 0; i < expected.losses.length; i++) {
        await assertCloseGpu(got.losses[i], [expected.losses[i]], { rtol: 1e-5, atol: 1e-6 }, `loss at step ${i}`);
        await assertCloseGpu(got.params[i], expected.params[i], { rtol: 1e-5, atol: 1e-6 }, `parameters after step ${i + 1}`);
      }
      // the first step also creates the state buffers (fills); later steps are the updates alone
      got.stepDispatches.slice(1).forEach((d, i) => assert.equal(d, got.count, `step ${i + 2}: ${d} dispatches for ${got.count} parameters`));
    });
  }

  test('the fused kernel gives the op sequence it replaces (bit for bit up to a contracted multiply-add)', async () => {
    for (const name of Object.keys(CASES)) {
      const [fused, ops] = [run(name, 3), runUnfused(name, 3)];
      assert.ok(ops.stepDispatches[2] > fused.stepDispatches[2], `${name}: the default runs more dispatches (${ops.stepDispatches[2]}) than the fused path (${fused.stepDispatches[2]})`);
      for (let i = 0; i < 3; i++) await assertCloseGpu(fused.params[i], await ops.params[i].data(), { rtol: 2e-7, atol: 1e-9 }, `${name}, step ${i + 1}`);
    }
  });

  test('fusedOptimizerStep checks its arguments', async () => {
    const { fusedOptimizerStep } = await import('../../../src/ops/optimizer-step.js');
    const p = ck.zeros([4]);
    const sgd = { kind: 'sgd', lr: 0.1, momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0, maximize: false, firstStep: true } as const;
    assert.throws(() => fusedOptimizerStep(sgd, p, ck.zeros([4]), []), /optimizerStep \(sgd\): expected 1 state tensors, got 0/);
    assert.throws(() => fusedOptimizerStep(sgd, p, ck.zeros([5]), [ck.zeros([4])]), /optimizerStep \(sgd\): expected grad of the parameter's shape \[4\], got \[5\]/);
    assert.throws(() => fusedOptimizerStep(sgd, p, ck.zeros([4]), [ck.zeros([4], { dtype: 'int32' })]), /expected state 0 of the parameter's dtype float32, got int32/);
    assert.throws(() => fusedOptimizerStep(sgd, p, ck.zeros([4], { device: 'wasm' }), [ck.zeros([4])]), /expected all tensors on one device/);
  });
});

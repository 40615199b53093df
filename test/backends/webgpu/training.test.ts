/**
 * Training on webgpu follows training on the CPU: LeNet-5 from the same initial weights, on the same batches,
 * with SGD and momentum, gives the same losses and weights on webgpu and on wasm, step after step.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../../src/index.js';
import { startWebgpu, values } from '../../helpers/webgpu.js';

const skip = await startWebgpu('test/backends/webgpu/training.test.ts');
const F = ck.nn.functional;
const BATCH = 16;
const STEPS = 3;

/** Mean cross-entropy written with primitives that every device runs. */
function crossEntropy(logits: ck.Tensor, y: ck.Tensor): ck.Tensor {
  return ck.mean(ck.sub(ck.logsumexp(logits, 1), ck.gather(logits, 1, y.unsqueeze(1)).squeeze(1)));
}

/** STEPS SGD steps on the current backend; returns each step's loss (read after the run) and the final weights. */
async function train(): Promise<{ losses: number[]; weights: Float32Array[] }> {
  ck.manualSeed(7);
  const model = ck.models.lenet5();
  const opt = new ck.optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const losses: ck.Tensor[] = [];
  for (let s = 0; s < STEPS; s++) {
    const x = ck.tensor(values(BATCH * 32 * 32, 100 + s, 0, 1), { shape: [BATCH, 1, 32, 32] });
    const y = ck.tensor(Array.from({ length: BATCH }, (_, i) => (i * 7 + s) % 10), { dtype: 'int32' });
    opt.zeroGrad();
    const loss = crossEntropy(model.forward(x) as ck.Tensor, y);
    loss.backward();
    opt.step();
    losses.push(loss.detach());
  }
  const read = async (t: ck.Tensor): Promise<Float32Array> => (await t.data()) as Float32Array;
  return { losses: await Promise.all(losses.map(async (l) => (await read(l))[0])), weights: await Promise.all(model.parameters().map((p) => read(p))) };
}

describe('LeNet-5 training on webgpu', { skip: skip ?? false }, () => {
  test(`${STEPS} SGD steps give wasm's losses and weights`, async () => {
    const gpu = await train();
    ck.setBackend('wasm');
    const cpu = await train();
    ck.setBackend('webgpu');
    gpu.losses.forEach((l, i) => assert.ok(Math.abs(l - cpu.losses[i]) <= 1e-4 * Math.abs(cpu.losses[i]) + 1e-5, `step ${i}: loss ${l} on webgpu, ${cpu.losses[i]} on wasm`));
    assert.ok(gpu.losses[STEPS - 1] !== gpu.losses[0], 'the loss moves');
    gpu.weights.forEach((w, p) => {
      const worst = w.reduce((m, v, i) => Math.max(m, Math.abs(v - cpu.weights[p][i])), 0);
      assert.ok(worst < 1e-4, `parameter ${p}: largest difference ${worst}`);
    });
  });
});

/**
 * Bias + ReLU in the convolution and GEMM epilogues on webgpu (ck.fuse on Sequentials): the same outputs and
 * gradients as the modules in turn, bit for bit, NaN included (one ReLU gradient rule); the reference backend's
 * values within float32 tolerance; one dispatch fewer per fused pair.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../../src/index.js';
import { findBackend } from '../../../src/backends/registry.js';
import type { WebGpuBackend } from '../../../src/backends/webgpu/index.js';
import { assertCloseGpu, startWebgpu, values } from '../../helpers/webgpu.js';

const skip = await startWebgpu('test/backends/webgpu/epilogue.test.ts');
const { nn } = ck;

/**
 * Conv + ReLU through the direct kernel (6 output channels) and through implicit GEMM (40 output channels, 8·9 taps,
 * weights staged as vec4), a Linear + ReLU pair, and a last Linear left alone.
 */
function makeModel(): ck.nn.Sequential {
  ck.manualSeed(11);
  return new nn.Sequential(
    new nn.Conv2d(3, 6, 3, { padding: 1 }), new nn.ReLU(),
    new nn.Conv2d(6, 8, 1), new nn.Tanh(),
    new nn.Conv2d(8, 40, 3, { stride: 2 }), new nn.ReLU(),
    new nn.Flatten(), new nn.Linear(40 * 6 * 6, 36), new nn.ReLU(), new nn.Linear(36, 10),
  );
}

const SHAPE = [2, 3, 13, 13];

/** Output, input gradient and parameter gradients on the current backend; `nanAt` puts a NaN into the input. */
function run(fused: boolean, nanAt?: number): { out: ck.Tensor; grads: ck.Tensor[]; dispatches: number } {
  const model = makeModel();
  if (fused) ck.fuse(model);
  const data = values(SHAPE.reduce((a, b) => a * b, 1), 5);
  if (nanAt !== undefined) data[nanAt] = NaN;
  const x = ck.tensor(data, { shape: SHAPE, requiresGrad: true });
  const gpu = ck.getBackend() === 'webgpu' ? (findBackend('webgpu') as WebGpuBackend) : null;
  const before = gpu?.stats().dispatches ?? 0;
  const out = model.forward(x) as ck.Tensor;
  const dispatches = (gpu?.stats().dispatches ?? 0) - before;
  ck.sum(out.mul(ck.arange(20).reshape([2, 10]).float())).backward();
  return { out: out.detach(), grads: [x.grad!, ...model.parameters().map((p) => p.grad!)], dispatches };
}

describe('bias + ReLU epilogues on webgpu', { skip: skip ?? false }, () => {
  test('ck.fuse(Sequential): the modules-in-turn outputs and gradients bit for bit, one dispatch fewer per pair', async () => {
    const [plain, fused] = [run(false), run(true)];
    await assertCloseGpu(fused.out, await plain.out.data(), { rtol: 0, atol: 0 }, 'output');
    for (let i = 0; i < plain.grads.length; i++) await assertCloseGpu(fused.grads[i], await plain.grads[i].data(), { rtol: 0, atol: 0 }, `gradient ${i}`);
    assert.equal(plain.dispatches - fused.dispatches, 3, `three fused pairs: ${plain.dispatches} dispatches plain, ${fused.dispatches} fused`);
  });

  test('NaN in the input: NaN outputs and ReLU gradients as the separate ops give them', async () => {
    const [plain, fused] = [run(false, 100), run(true, 100)];
    const out = await fused.out.data();
    assert.ok(Array.from(out).some(Number.isNaN), 'the NaN reaches the output');
    await assertCloseGpu(fused.out, await plain.out.data(), { rtol: 0, atol: 0 }, 'output');
    for (let i = 0; i < plain.grads.length; i++) await assertCloseGpu(fused.grads[i], await plain.grads[i].data(), { rtol: 0, atol: 0 }, `gradient ${i}`);
  });

  test('the fused model on webgpu gives the reference backend\'s values', async () => {
    const fused = run(true);
    const ref = ck.withBackend('reference', () => {
      const r = run(false);
      return [r.out, ...r.grads].map((t) => t.dataSync());
    });
    await assertCloseGpu(fused.out, ref[0], { rtol: 1e-4, atol: 1e-5 }, 'output');
    for (let i = 0; i < fused.grads.length; i++) await assertCloseGpu(fused.grads[i], ref[i + 1], { rtol: 1e-4, atol: 1e-4 }, `gradient ${i}`);
  });
});

test('ck.fuse(Sequential) on a CPU backend (no epilogue kernels) runs the modules in turn, bit for bit', () => ck.withBackend('reference', () => {
  const [plain, fused] = [run(false), run(true)];
  assert.deepEqual(Array.from(fused.out.dataSync()), Array.from(plain.out.dataSync()));
  fused.grads.forEach((g, i) => assert.deepEqual(Array.from(g.dataSync()), Array.from(plain.grads[i].dataSync()), `gradient ${i}`));
}));

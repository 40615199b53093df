/**
 * The conformance suite: `conformance(device)` runs every golden case from PyTorch on one device, forward and
 * gradient, reading results only with `await t.data()` so it runs unchanged on a device without synchronous
 * reads. Fixture families: core ops (tools/gen_core_fixtures.py), convolution, pooling, padding, fold, LRN,
 * adaptive pooling and transposed convolution (tools/gen_conv_fixtures.py), and the losses
 * (tools/gen_nn_fixtures.py). A new backend is done when `conformance('<its name>')` passes.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { assertCloseAsync, fromSpec, loadFixture, type TensorSpec } from '../helpers/index.js';
import { fixtureCases, TOLERANCE, type FixtureCase } from '../conv/support.js';
import { lossFor, type LossCase } from './loss-table.js';
import { OPS } from './op-table.js';

/** One case of tools/gen_core_fixtures.py's core_ops.json, as every runner of it reads it. */
export interface CoreCase {
  name: string;
  op: string;
  args: Record<string, unknown>;
  inputs: TensorSpec[];
  layouts?: (string | null)[];
  output: TensorSpec;
  gradOutput?: TensorSpec;
  grads?: (TensorSpec | null)[];
  /** Set where PyTorch's gradient is checked by finite differences instead of golden values. */
  finiteDifferences?: boolean;
}

export const CONV_FIXTURES = ['conv', 'conv-pool', 'conv-pad', 'conv-fold', 'conv-lrn', 'conv-adaptive-pool', 'conv-transpose'];

/** A leaf on `device`; for layout 't' the op sees a transposed (non-contiguous) view of it. */
function makeInput(s: TensorSpec, layout: string | null | undefined, requiresGrad: boolean, device: string): { leaf: ck.Tensor; input: ck.Tensor } {
  const t = fromSpec(s, { device });
  if (layout !== 't') {
    const leaf = requiresGrad ? t.requiresGrad_(true) : t;
    return { leaf, input: leaf };
  }
  const leaf = t.transpose(-2, -1).contiguous().detach().requiresGrad_(requiresGrad);
  return { leaf, input: leaf.transpose(-2, -1) };
}

async function coreCase(c: CoreCase, device: string): Promise<void> {
  const fn = OPS[c.op];
  assert.ok(fn, `no entry for op '${c.op}' in test/conformance/op-table.ts`);
  const made = c.inputs.map((s, i) => makeInput(s, c.layouts?.[i], !!c.grads?.[i], device));
  // creation ops (no inputs) make their tensor on the current device; every other op follows its inputs
  const out = made.length === 0 ? ck.withBackend(device, () => fn([], c.args)) : fn(made.map((m) => m.input), c.args);
  assert.equal(out.device, device, `${c.name}: runs on its inputs' device`);
  assert.equal(out.dtype, c.output.dtype, `${c.name}: dtype`);
  await assertCloseAsync(out, c.output, { rtol: 1e-5, atol: 1e-6 }, `${c.name} forward`);
  if (!c.gradOutput || !c.grads) return;
  out.backward(fromSpec(c.gradOutput, { device }));
  for (const [i, g] of c.grads.entries()) {
    if (!g) continue;
    const leafGrad = made[i].leaf.grad;
    assert.ok(leafGrad, `${c.name}: input ${i} got no gradient`);
    await assertCloseAsync(c.layouts?.[i] === 't' ? leafGrad.transpose(-2, -1) : leafGrad, g, { rtol: 1e-4, atol: 1e-5 }, `${c.name} grad of input ${i}`);
  }
}

/** A functional op as PyTorch called it: tensors, positional args, the options object; output, indices, gradients. */
async function functionalCase(c: FixtureCase, dtype: 'float32' | 'float64', device: string): Promise<void> {
  const tol = TOLERANCE[dtype];
  const inputs = c.inputs.map((s) => (s ? fromSpec(s, { dtype, requiresGrad: true, device }) : null));
  const op = ck.nn.functional[c.op] as (...args: unknown[]) => ck.Tensor | [ck.Tensor, ck.Tensor];
  const result = op(...inputs, ...c.args, c.opts);
  const [out, indices] = Array.isArray(result) ? result : [result, null];
  await assertCloseAsync(out, c.output, tol, `${c.name}: output`);
  if (c.indices) {
    assert.ok(indices, `${c.name}: expected indices`);
    assert.deepEqual(Array.from(await indices.data()), c.indices.data, `${c.name}: indices`);
  }
  out.backward(fromSpec(c.gradOutput, { dtype, device }));
  for (const [i, t] of inputs.entries()) {
    const expected = c.grads[i];
    if (!t || !expected) continue;
    assert.ok(t.grad, `${c.name}: input ${i} got no gradient`);
    await assertCloseAsync(t.grad, expected, tol, `${c.name}: gradient of input ${i}`);
  }
}

async function lossCase(c: LossCase, weight: ck.Tensor, device: string): Promise<void> {
  const x = fromSpec(c.input, { requiresGrad: true, device });
  const out = lossFor(c.name, weight)(x, fromSpec(c.target, { device }));
  await assertCloseAsync(out, c.output, { rtol: 1e-5, atol: 1e-6 }, `${c.name}: loss`);
  out.backward(fromSpec(c.gradOutput, { device }));
  await assertCloseAsync(x.grad!, c.inputGrad, { rtol: 1e-5, atol: 1e-6 }, `${c.name}: input gradient`);
}

/** Every fixture case on `device`, which is also made the current backend while the suite runs. */
export function conformance(device: string): void {
  describe(`conformance on ${device}`, () => {
    const { cases } = loadFixture<{ cases: CoreCase[] }>('core_ops');
    test(`core ops: ${cases.length} cases, forward and gradient`, async () => {
      for (const c of cases) await coreCase(c, device);
    });
    for (const file of CONV_FIXTURES) {
      const conv = fixtureCases(file);
      for (const dtype of ['float32', 'float64'] as const) {
        test(`${file}: ${conv.length} cases, ${dtype}`, async () => {
          for (const c of conv) await functionalCase(c, dtype, device);
        });
      }
    }
    const losses = loadFixture<LossCase[]>('nn_losses');
    test(`losses: ${losses.length} cases, value and input gradient`, async () => {
      const weight = fromSpec(loadFixture<{ weight: TensorSpec }>('nn_losses_weight').weight, { device });
      for (const c of losses) await lossCase(c, weight, device);
    });
  });
}

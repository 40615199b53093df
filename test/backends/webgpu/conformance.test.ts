/**
 * The conformance fixtures (golden values from PyTorch: tools/gen_core_fixtures.py and the conv generators) on
 * webgpu, forward and gradient, read back asynchronously. float64 cases must fail with the clear error instead.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../../src/index.js';
import { fromSpec, loadFixture, type TensorSpec } from '../../helpers/index.js';
import { assertCloseGpu, startWebgpu } from '../../helpers/webgpu.js';
import { OPS } from '../../conformance/op-table.js';
import { fixtureCases, TOLERANCE } from '../../conv/support.js';
import type { CoreCase as Case } from '../../conformance/suite.js';

const skip = await startWebgpu('test/backends/webgpu/conformance.test.ts');


function makeInput(s: TensorSpec, layout: string | null | undefined, requiresGrad: boolean): { leaf: ck.Tensor; input: ck.Tensor } {
  const t = fromSpec(s);
  if (layout !== 't') {
    const leaf = requiresGrad ? t.requiresGrad_(true) : t;
    return { leaf, input: leaf };
  }
  const leaf = t.transpose(-2, -1).contiguous().detach().requiresGrad_(requiresGrad);
  return { leaf, input: leaf.transpose(-2, -1) };
}

const usesFloat64 = (c: { inputs: (TensorSpec | null)[]; output: TensorSpec }): boolean =>
  c.output.dtype === 'float64' || c.inputs.some((s) => s?.dtype === 'float64');

describe('conformance on webgpu: core ops', { skip: skip ?? false }, () => {
  const { cases } = loadFixture<{ cases: Case[] }>('core_ops');
  for (const c of cases) {
    test(c.name, async () => {
      if (usesFloat64(c)) {
        assert.throws(() => OPS[c.op](c.inputs.map((s) => fromSpec(s)), c.args), /float64 is not supported on webgpu/);
        return;
      }
      const made = c.inputs.map((s, i) => makeInput(s, c.layouts?.[i], !!c.grads?.[i]));
      const out = OPS[c.op](made.map((m) => m.input), c.args);
      assert.equal(out.dtype, c.output.dtype, `${c.name}: dtype`);
      await assertCloseGpu(out, c.output, { rtol: 1e-5, atol: 1e-6 }, `${c.name} forward`);
      if (!c.gradOutput || !c.grads) return;
      out.backward(fromSpec(c.gradOutput));
      for (const [i, g] of c.grads.entries()) {
        if (!g) continue;
        const leafGrad = made[i].leaf.grad;
        assert.ok(leafGrad, `${c.name}: input ${i} got no gradient`);
        await assertCloseGpu(c.layouts?.[i] === 't' ? leafGrad.transpose(-2, -1) : leafGrad, g, { rtol: 1e-4, atol: 1e-5 }, `${c.name} grad of input ${i}`);
      }
    });
  }
});

const F = ck.nn.functional;
const CONV_FILES = ['conv', 'conv-pool', 'conv-transpose', 'conv-adaptive-pool', 'conv-pad', 'conv-fold', 'conv-lrn'];

describe('conformance on webgpu: convolution and pooling fixtures (float32)', { skip: skip ?? false }, () => {
  for (const file of CONV_FILES) {
    for (const c of fixtureCases(file)) {
      test(`${file}: ${c.name}`, async () => {
        const tol = TOLERANCE.float32;
        const inputs = c.inputs.map((s) => (s ? fromSpec(s, { dtype: 'float32', requiresGrad: true }) : null));
        const result = (F[c.op] as (...args: unknown[]) => ck.Tensor | [ck.Tensor, ck.Tensor])(...inputs, ...c.args, c.opts);
        const [out, indices] = Array.isArray(result) ? result : [result, null];
        await assertCloseGpu(out, c.output, tol, `${c.name}: output`);
        if (c.indices) {
          assert.ok(indices, `${c.name}: expected indices`);
          assert.deepEqual(Array.from(await indices.data()), c.indices.data, `${c.name}: indices`);
        }
        out.backward(fromSpec(c.gradOutput));
        for (const [i, t] of inputs.entries()) {
          const expected = c.grads[i];
          if (!t || !expected) continue;
          assert.ok(t.grad, `${c.name}: input ${i} got no gradient`);
          await assertCloseGpu(t.grad, expected, tol, `${c.name}: gradient of input ${i}`);
        }
      });
    }
  }
});

/**
 * A float64 finite-difference gradcheck of every core-op fixture case (tools/gen_core_fixtures.py); the cases'
 * PyTorch values on every device are checked by the conformance suite (suite.ts).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { readyBackends } from '../helpers/backends.js';
import { assertClose, fromSpec, loadFixture, type TensorSpec } from '../helpers/index.js';
import { OPS } from './op-table.js';
import type { CoreCase as Case } from './suite.js';


const { cases } = loadFixture<{ cases: Case[] }>('core_ops');
await ck.ready();

const isFloat = (d: ck.DType): boolean => d === 'float32' || d === 'float64';

/** A leaf holding the case's values; for layout 't' the op sees a transposed (non-contiguous) view of it. */
function makeInput(s: TensorSpec, layout: string | null | undefined, requiresGrad: boolean, dtype?: ck.DType): { leaf: ck.Tensor; input: ck.Tensor } {
  const t = fromSpec(s, { dtype });
  if (layout !== 't') {
    const leaf = requiresGrad ? t.requiresGrad_(true) : t;
    return { leaf, input: leaf };
  }
  const leaf = t.transpose(-2, -1).contiguous().detach().requiresGrad_(requiresGrad);
  return { leaf, input: leaf.transpose(-2, -1) };
}

describe('gradcheck (float64 central differences) of every fixture case', () => {
  for (const c of cases.filter((k) => k.grads && isFloat(k.output.dtype) && k.finiteDifferences !== false)) {
    test(c.name, () => {
      const differentiable = c.inputs.map((s, i) => isFloat(s.dtype) && !!c.grads?.[i]);
      const fixed = c.inputs.map((s, i) => (differentiable[i] ? null : fromSpec(s)));
      const variable = c.inputs.filter((_, i) => differentiable[i]).map((s) => fromSpec(s, { dtype: 'float64' }));
      const call = (...vs: ck.Tensor[]): ck.Tensor => {
        let k = 0;
        const ins = fixed.map((f) => f ?? vs[k++]);
        return OPS[c.op](ins.map((t, i) => (c.layouts?.[i] === 't' ? t.transpose(-2, -1).contiguous().transpose(-2, -1) : t)), c.args);
      };
      assert.equal(ck.autograd.gradcheck(call, variable), true);
    });
  }
});

/**
 * A float64 finite-difference gradcheck of every differentiable core-op conformance case
 * (test/fixtures/conformance/core.json); their PyTorch values on every device are checked by the suite (suite.ts).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { fromSpec } from '../helpers/index.js';
import { loadCases } from './format.js';
import { OPS } from './op-table.js';

await ck.ready();

const isFloat = (d: ck.DType | undefined): boolean => d === 'float32' || d === 'float64';

describe('gradcheck (float64 central differences) of every core-op conformance case', () => {
  for (const c of loadCases('core').filter((k) => k.gradients && isFloat(k.outputs[0].dtype) && k.finiteDifferences !== false)) {
    test(c.name, () => {
      const differentiable = c.inputs.map((s, i) => isFloat(s?.dtype) && !!c.gradients?.[i]);
      const fixed = c.inputs.map((s, i) => (differentiable[i] ? null : fromSpec(s!)));
      const variable = c.inputs.filter((_, i) => differentiable[i]).map((s) => fromSpec(s!, { dtype: 'float64' }));
      const call = (...vs: ck.Tensor[]): ck.Tensor => {
        let k = 0;
        const ins = fixed.map((f) => f ?? vs[k++]);
        return OPS[c.op](ins.map((t, i) => (c.layouts?.[i] === 't' ? t.transpose(-2, -1).contiguous().transpose(-2, -1) : t)), c.attributes);
      };
      assert.equal(ck.autograd.gradcheck(call, variable), true);
    });
  }
});

/** Comparing a case's results with PyTorch's, read back with `await t.data()` only (the strict device refuses sync reads). */
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { assertCloseAsync, fromSpec } from '../helpers/index.js';
import type { ConformanceCase } from './format.js';

/** Each computed output against c.outputs[i] (undefined entries are not computed by this runner). */
export async function checkOutputs(c: ConformanceCase, outs: (ck.Tensor | undefined)[]): Promise<void> {
  assert.equal(outs.length, c.outputs.length, `${c.name}: ${outs.length} outputs, the fixture has ${c.outputs.length}`);
  for (const [i, out] of outs.entries()) {
    assert.ok(out, `${c.name}: output ${i} was not computed`);
    assert.equal(out.dtype, c.outputs[i].dtype, `${c.name}: dtype of output ${i}`);
    await assertCloseAsync(out, c.outputs[i], c.tolerance, `${c.name}: output ${i}`);
  }
}

/** Seeds backward with c.gradOutputs (on `device`) from the outputs they belong to. */
export function seedBackward(c: ConformanceCase, outs: ck.Tensor[], device: string): void {
  const seeds = (c.gradOutputs ?? []).flatMap((g, i) => (g ? [[outs[i], fromSpec(g, { device })] as const] : []));
  assert.equal(seeds.length, 1, `${c.name}: one output to backpropagate from, the fixture seeds ${seeds.length}`);
  seeds[0][0].backward(seeds[0][1]);
}

/** gradients[i] against the gradient each `leaves[i]` received (a function of i: a leaf may be read as a view). */
export async function checkGradients(c: ConformanceCase, gradOf: (i: number) => ck.Tensor | null | undefined): Promise<void> {
  for (const [i, expected] of (c.gradients ?? []).entries()) {
    if (!expected) continue;
    const g = gradOf(i);
    assert.ok(g, `${c.name}: input ${i} got no gradient`);
    await assertCloseAsync(g, expected, c.gradientTolerance ?? c.tolerance, `${c.name}: gradient of input ${i}`);
  }
}

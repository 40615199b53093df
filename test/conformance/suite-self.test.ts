/**
 * The conformance suite's own verdicts: a wrong golden value fails, an expected failure must fail (one that passes
 * is reported), and a device declaring it lacks float64 must refuse float64 cases rather than compute them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { hostBackend, referenceKernels } from '../../src/backends/reference/index.js';
import type { TensorSpec } from '../helpers/index.js';
import { loadCases, type ConformanceCase } from './format.js';
import { problems } from './suite.js';

await ck.ready();
// a host device that claims it holds no float64 but computes it anyway: the suite must catch that
ck.registerBackend({ ...hostBackend('claims-no-float64', referenceKernels, true), dtypes: ['float32', 'int32', 'bool'] });

const core = loadCases('core');
const pick = (name: string): ConformanceCase => {
  const c = core.find((k) => k.name === name);
  assert.ok(c, `no core case '${name}'`);
  return c;
};
/** The case with output 0's first element shifted by 1e-3 (far beyond its tolerance). */
function corrupted(c: ConformanceCase): ConformanceCase {
  const out: TensorSpec = { ...c.outputs[0], data: c.outputs[0].data.map((v, i) => (i === 0 ? Number(v) + 1e-3 : v)) };
  return { ...c, outputs: [out, ...c.outputs.slice(1)] };
}

test('a correct case passes and a wrong golden value is reported with the case and element', async () => {
  const add = pick('add [3, 4] [3, 4]');
  assert.deepEqual(await problems([add], 'reference'), []);
  const found = await problems([corrupted(add)], 'reference');
  assert.equal(found.length, 1);
  assert.match(found[0], /add \[3, 4\] \[3, 4\]: output 0: element 0/);
});

test('an expected failure must fail: one that passes is reported', async () => {
  const add = pick('add [3, 4] [3, 4]');
  assert.deepEqual(await problems([corrupted(add)], 'reference', { [add.name]: 'test reason' }), []);
  const found = await problems([add], 'reference', { [add.name]: 'test reason' });
  assert.equal(found.length, 1);
  assert.match(found[0], /passes on reference now; remove it from the expected failures \("test reason"\)/);
});

test('a device declaring it lacks float64 must refuse float64 cases with a clear error', async () => {
  const f64 = loadCases('conv').find((c) => c.inputs.some((s) => s?.dtype === 'float64'));
  assert.ok(f64, 'the conv family has float64 cases');
  const found = await problems([f64], 'claims-no-float64');
  assert.equal(found.length, 1);
  assert.match(found[0], /computed a float64 case, expected "float64 is not supported on claims-no-float64"/);
});

/** nn.utils: gradient clipping against PyTorch (test/fixtures/nn_utils.json) and the parameter/vector round trip. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { assertClose, fromSpec, loadFixture, type TensorSpec } from '../helpers/index.js';

const { utils } = ck.nn;

interface ClipCase {
  normType: number | 'inf';
  maxNorm: number;
  grads: TensorSpec[];
  total: number;
  clipped: TensorSpec[];
}

for (const c of loadFixture<{ clipGradNorm: ClipCase[] }>('nn_utils').clipGradNorm) {
  test(`clipGradNorm_ (norm ${c.normType}, max ${c.maxNorm}) matches PyTorch`, () => {
    const params = c.grads.map((g) => {
      const p = new ck.nn.Parameter(ck.zeros(g.shape));
      p.grad = fromSpec(g);
      return p;
    });
    const total = utils.clipGradNorm_(params, c.maxNorm, { normType: c.normType === 'inf' ? Infinity : c.normType });
    assertClose(total, ck.tensor(c.total), { rtol: 1e-5, atol: 1e-6 }, 'total norm');
    params.forEach((p, i) => assertClose(p.grad!, c.clipped[i], { rtol: 1e-5, atol: 1e-6 }, `clipped gradient ${i}`));
  });
}

test('clipGradNorm_ skips parameters without gradients and can refuse non-finite norms', () => {
  const a = new ck.nn.Parameter(ck.zeros([2]));
  const b = new ck.nn.Parameter(ck.zeros([2]));
  a.grad = ck.tensor([3, 4]);
  // norm 5 > 1: scaled by 1/(5 + 1e-6)
  assertClose(utils.clipGradNorm_([a, b], 1), ck.tensor(5), { rtol: 0, atol: 0 }, 'norm');
  assertClose(a.grad, ck.tensor([3 / (5 + 1e-6), 4 / (5 + 1e-6)]), { rtol: 1e-6, atol: 0 }, 'scaled');
  assert.equal(b.grad, null);
  a.grad = ck.tensor([Infinity, 1]);
  assert.throws(() => utils.clipGradNorm_(a, 1, { errorIfNonfinite: true }), /total norm of order 2 for gradients is non-finite \(Infinity\)/);
});

test('clipGradValue_ clamps every gradient element', () => {
  const p = new ck.nn.Parameter(ck.zeros([4]));
  p.grad = ck.tensor([-3, -0.5, 0.2, 7]);
  utils.clipGradValue_([p], 1);
  assert.deepEqual([...p.grad.dataSync()], [-1, -0.5, Math.fround(0.2), 1]);
  assert.throws(() => utils.clipGradValue_([p], -1), /clipValue must be non-negative/);
});

test('parametersToVector and vectorToParameters are inverse', () => {
  const m = new ck.nn.Sequential(new ck.nn.Linear(3, 2), new ck.nn.Linear(2, 1));
  const v = utils.parametersToVector(m.parameters());
  assert.deepEqual(v.shape, [11]);
  assertClose(ck.slice(v, 0, 0, 6), ck.flatten(m.at(0).parameters()[0]), { rtol: 0, atol: 0 }, 'first weight first');
  utils.vectorToParameters(ck.arange(11, undefined, 1, { dtype: 'float32' }), m.parameters());
  assert.deepEqual([...m.at(1).parameters()[1].dataSync()], [10]);
  assertClose(utils.parametersToVector(m.parameters()), ck.arange(0, 11, 1, { dtype: 'float32' }), { rtol: 0, atol: 0 }, 'round trip');
  assert.throws(() => utils.vectorToParameters(ck.zeros([10]), m.parameters()), /the parameters have 11 elements, the vector 10/);
});

/**
 * The in-place x ← a·x + b·y the optimizers update with: bit for bit what the separate ops give
 * (add(mul(x, a), mul(y, b))), on every backend, for contiguous, transposed and aliased operands; and its errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { readyBackends } from '../helpers/backends.js';
import { scaleAdd_ } from '../../src/ops/scale-add.js';
import { assertClose } from '../helpers/index.js';

await ck.ready();
const exact = { rtol: 0, atol: 0 };

for (const backend of await readyBackends()) {
  for (const dtype of ['float32', 'float64'] as const) {
    test(`scaleAdd_ on ${backend}, ${dtype}: equals mul, mul and add bit for bit`, () => ck.withBackend(backend, () => {
      for (const [a, b] of [[0.9, 1], [1, -0.01], [0.3, 0.7]]) {
        const x = ck.randn([37, 129], { dtype });
        const y = ck.randn([37, 129], { dtype });
        const expected = ck.add(ck.mul(x, a), ck.mul(y, b));
        assertClose(scaleAdd_(x, a, y, b), expected, exact, `a=${a} b=${b}`);
      }
    }));
  }

  test(`scaleAdd_ on ${backend}: a transposed x is written through its strides; y may alias x`, () => ck.withBackend(backend, () => {
    const base = ck.randn([6, 9]);
    const x = base.transpose(0, 1);
    const y = ck.randn([9, 6]);
    const expected = ck.add(ck.mul(x, 0.5), ck.mul(y, 2));
    scaleAdd_(x, 0.5, y, 2);
    assertClose(x, expected, exact, 'transposed');
    assertClose(base, expected.transpose(0, 1), exact, 'storage');
    const z = ck.randn([100]);
    const doubled = ck.add(ck.mul(z, 1), ck.mul(z, 1));
    assertClose(scaleAdd_(z, 1, z, 1), doubled, exact, 'aliased');
  }));
}

test('scaleAdd_: errors name the op and the shapes, dtypes or the recorded tensor', () => {
  assert.throws(() => scaleAdd_(ck.ones([2, 3]), 1, ck.ones([3]), 1), /scaleAdd_: expected y of x's shape \[2,3\], got \[3\]/);
  assert.throws(() => scaleAdd_(ck.ones([2]), 1, ck.ones([2], { dtype: 'float64' }), 1), /scaleAdd_: expected floating x and y of one dtype, got float32 and float64/);
  assert.throws(() => scaleAdd_(ck.ones([2], { requiresGrad: true }), 1, ck.ones([2]), 1), /scaleAdd_: a tensor that requires grad cannot be modified in place/);
});

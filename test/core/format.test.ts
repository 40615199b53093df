import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { fromSpec, loadFixture, type TensorSpec } from '../helpers/index.js';

const { reprs } = loadFixture<{ reprs: { tensor: TensorSpec; repr: string }[] }>('core_ops');

test('toString prints like torch repr (fixtures from tools/gen_core_fixtures.py)', () => {
  for (const r of reprs) assert.equal(fromSpec(r.tensor).toString(), r.repr);
});

test('toString names requires_grad and the grad function', () => {
  const x = ck.tensor([1, 2], { requiresGrad: true });
  assert.equal(x.toString(), 'tensor([1., 2.], requires_grad=True)');
  assert.match(x.mul(2).toString(), /grad_fn=<MulBackward0>\)$/);
});

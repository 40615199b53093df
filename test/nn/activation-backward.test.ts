/**
 * The one-kernel activation gradients against PyTorch (tools/gen_activation_fixtures.py): forward, input
 * gradient and double backward on every backend, with exact zeros, a NaN input and an infinite output gradient
 * where ReLU's output is 0; float64 gradcheck of first and second derivatives; the op's errors.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { readyBackends } from '../helpers/backends.js';
import { activationBackward } from '../../src/ops/activation-backward.js';
import { assertClose, fromSpec, loadFixture, type TensorSpec } from '../helpers/index.js';

interface Case { op: string; x: TensorSpec; grad: TensorSpec; v: TensorSpec; out: TensorSpec; dx: TensorSpec; ddGrad: TensorSpec; ddX: TensorSpec }
const { cases } = loadFixture<{ cases: Case[] }>('activation_backward');
await ck.ready();

const F = ck.nn.functional;
const ACTIVATIONS: Record<string, (x: ck.Tensor) => ck.Tensor> = {
  relu: ck.relu,
  leakyRelu: (x) => F.leakyRelu(x, { negativeSlope: 0.1 }),
  sigmoid: ck.sigmoid,
  tanh: ck.tanh,
};
const tol = { rtol: 1e-5, atol: 1e-6 };

for (const backend of await readyBackends()) {
  describe(`activation gradients on ${backend}`, () => {
    for (const c of cases) {
      test(`${c.op}: output, gradient and double backward match PyTorch`, () => ck.withBackend(backend, () => {
        const x = fromSpec(c.x, { requiresGrad: true });
        const g = fromSpec(c.grad, { requiresGrad: true });
        const y = ACTIVATIONS[c.op](x);
        assertClose(y, c.out, tol, `${c.op} forward`);
        const [dx] = ck.autograd.grad(y, x, { gradOutputs: [g], createGraph: true });
        assertClose(dx as ck.Tensor, c.dx, tol, `${c.op} dx`);
        const [gg, gx] = ck.autograd.grad(dx as ck.Tensor, [g, x], { gradOutputs: [fromSpec(c.v)], allowUnused: true });
        assertClose(gg as ck.Tensor, c.ddGrad, tol, `${c.op} d(dx)/d(grad)`);
        assertClose(gx ?? ck.zerosLike(x), c.ddX, tol, `${c.op} d(dx)/dx`);
      }));
    }

    test('non-contiguous gradients (expanded, transposed) are read through their strides', () => ck.withBackend(backend, () => {
      const x = ck.randn([5, 3]).transpose(0, 1).requiresGrad_(true);
      for (const [name, fn] of Object.entries(ACTIVATIONS)) {
        const [viaFused] = ck.autograd.grad(ck.sum(fn(x)), x);
        const xr = x.detach().to('reference').requiresGrad_(true);
        const expected = ck.autograd.grad(ck.sum(fn(xr)), xr)[0]!.to(backend);
        assertClose(viaFused as ck.Tensor, expected as ck.Tensor, { rtol: 0, atol: 0 }, name);
      }
    }));
  });
}

describe('activation gradients: float64 gradcheck', () => {
  const x = (): ck.Tensor => ck.mul(ck.randn([3, 7], { dtype: 'float64' }), 2).requiresGrad_(true);
  for (const [name, fn] of Object.entries(ACTIVATIONS)) {
    test(`${name}: first derivative`, () => assert.ok(ck.autograd.gradcheck(fn, [x()])));
    test(`${name}: second derivative (gradient of the gradient)`, () => {
      const v = ck.randn([3, 7], { dtype: 'float64' });
      // gradcheck probes under noGrad; the inner gradient needs recording on
      const gradOf = (xi: ck.Tensor, gi: ck.Tensor): ck.Tensor => ck.enableGrad(() =>
        ck.sum(ck.mul(ck.autograd.grad(fn(xi), xi, { gradOutputs: [gi], createGraph: true })[0] as ck.Tensor, v)));
      assert.ok(ck.autograd.gradcheck(gradOf, [x(), ck.randn([3, 7], { dtype: 'float64' }).requiresGrad_(true)]));
    });
  }
});

test('activationBackward: errors name the op and the shapes or dtypes', () => {
  assert.throws(() => activationBackward('threshold', ck.ones([2, 3]), ck.ones([3, 2])), /thresholdBackward: expected grad and saved tensor of one shape, got \[2,3\] and \[3,2\]/);
  assert.throws(() => activationBackward('sigmoid', ck.ones([2]), ck.ones([2], { dtype: 'float64' })), /sigmoidBackward: expected floating grad and saved tensor of one dtype, got float32 and float64/);
  assert.throws(() => activationBackward('tanh', ck.ones([2], { dtype: 'int32' }), ck.ones([2], { dtype: 'int32' })), /tanhBackward: .* got int32 and int32/);
});

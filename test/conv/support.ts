/** Shared by the convolution tests: the PyTorch fixture runner and the direct-loop reference backend. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as ck from '../../src/index.js';
import { hostBackend } from '../../src/backends/reference/index.js';
import { strictKernels } from '../../src/backends/strict.js';
import { readyBackends } from '../helpers/backends.js';
import { assertClose, fromSpec, loadFixture, type TensorSpec } from '../helpers/index.js';

/** The public functional API, as users reach it. */
export const F = ck.nn.functional;

/**
 * The reference backend with only the required kernels: the convolution gradients, im2col and col2im run the
 * contract's defaults written with ops (matmul, gather, scatterAdd), a second path to test the direct loops against.
 */
ck.registerBackend(hostBackend('reference-defaults', strictKernels(), true));
/** Every backend runs the fixtures: both reference paths and whatever faster backend initialises here. */
export const BACKENDS = await readyBackends();

export interface FixtureCase {
  name: string;
  op: keyof typeof F;
  inputs: (TensorSpec | null)[];
  args: unknown[];
  opts: Record<string, unknown>;
  output: TensorSpec;
  indices?: TensorSpec;
  gradOutput: TensorSpec;
  grads: (TensorSpec | null)[];
}

export function fixtureCases(file: string): FixtureCase[] {
  return loadFixture<{ cases: FixtureCase[] }>(file).cases;
}

/**
 * Fixtures hold float64 PyTorch results stored as float32. A float64 run must agree to that rounding;
 * a float32 run within 1e-5 relative, with an absolute floor for sums that cancel to near zero.
 */
export const TOLERANCE: Record<'float32' | 'float64', { rtol: number; atol: number }> = {
  float32: { rtol: 1e-5, atol: 2e-5 },
  float64: { rtol: 1e-6, atol: 1e-6 },
};

/** Calls the op as PyTorch was called: tensors, then positional args, then the options object; checks output, indices, gradients. */
export function checkCase(c: FixtureCase, dtype: 'float32' | 'float64'): void {
  const tol = TOLERANCE[dtype];
  const inputs = c.inputs.map((s) => (s ? fromSpec(s, { dtype, requiresGrad: true }) : null));
  const op = F[c.op] as (...args: unknown[]) => ck.Tensor | [ck.Tensor, ck.Tensor];
  const result = op(...inputs, ...c.args, c.opts);
  const [out, indices] = Array.isArray(result) ? result : [result, null];
  assertClose(out, c.output, tol, `${c.name}: output`);
  if (c.indices) {
    assert.ok(indices, `${c.name}: expected indices`);
    assert.deepEqual(indices.shape, c.indices.shape, `${c.name}: indices shape`);
    assert.deepEqual(Array.from(indices.dataSync()), c.indices.data, `${c.name}: indices`);
  }
  out.backward(fromSpec(c.gradOutput, { dtype }));
  inputs.forEach((t, i) => {
    const expected = c.grads[i];
    if (!t || !expected) return;
    assert.ok(t.grad, `${c.name}: input ${i} got no gradient`);
    assertClose(t.grad, expected, tol, `${c.name}: gradient of input ${i}`);
  });
}

/** float64 inputs from the default generator (seed it first), for gradcheck and path agreement. */
export function randn64(shape: number[]): ck.Tensor {
  return ck.randn(shape, { dtype: 'float64' });
}

/** Runs `fn` on both reference paths (direct loops, op-level defaults) and checks outputs and all input gradients agree to float64 rounding. */
export function assertPathsAgree(fn: (...xs: ck.Tensor[]) => ck.Tensor, inputs: ck.Tensor[], what: string): void {
  const run = (backend: string): ck.Tensor[] => ck.withBackend(backend, () => {
    const xs = inputs.map((x) => x.detach().to(backend).requiresGrad_(true));
    const out = fn(...xs);
    out.backward(ck.onesLike(out));
    return [out, ...xs.map((x) => x.grad as ck.Tensor)];
  });
  const [direct, defaults] = [run('reference'), run('reference-defaults')];
  direct.forEach((t, i) => assertClose(t, defaults[i], { rtol: 1e-12, atol: 1e-12 }, `${what}: ${i === 0 ? 'output' : `gradient ${i - 1}`}`));
}

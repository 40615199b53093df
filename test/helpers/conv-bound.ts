/**
 * The wasm convolution kernels' accuracy bound: a float32 sum of k products is within γ_k·Σ|terms| of the exact
 * sum (γ_k ≈ k·2⁻²⁴); Σ|terms| is the same convolution of |inputs| in float64.
 */
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { REFERENCE_MAX_FLOPS } from '../../src/backends/wasm/conv.js';

export type Conv = (x: ck.Tensor, w: ck.Tensor) => ck.Tensor;

/** Output, input gradient and weight gradient for the upstream gradient gy. */
function run(conv: Conv, x: ck.Tensor, w: ck.Tensor, gy: ck.Tensor | null): ck.Tensor[] {
  const xs = x.detach().requiresGrad_(true);
  const ws = w.detach().requiresGrad_(true);
  const y = conv(xs, ws);
  const grads = ck.autograd.grad(ck.sum(ck.mul(y, gy ?? ck.onesLike(y))), [xs, ws]) as ck.Tensor[];
  return [y, ...grads];
}

export function assertWithinBound(conv: Conv, x: ck.Tensor, w: ck.Tensor, what: string): void {
  const y0 = conv(x, w);
  // 2·N·O·L·(C/groups)·K: smaller problems go to the reference kernel and would not test these ones
  const flops = 2 * y0.numel() * w.numel() / w.shape[0];
  assert.ok(flops >= REFERENCE_MAX_FLOPS, `${what}: ${flops} flops is below REFERENCE_MAX_FLOPS`);
  const gy = ck.randn(y0.shape);
  const got = run(conv, x, w, gy);
  const f64 = (t: ck.Tensor): ck.Tensor => t.to('float64');
  const exact = run(conv, f64(x), f64(w), f64(gy));
  const scale = run(conv, f64(ck.abs(x)), f64(ck.abs(w)), f64(ck.abs(gy)));
  // the longest sums: C/groups·K taps per output, O/groups·K per input gradient, N·L per weight gradient
  const k = x.numel() + w.numel() + y0.numel();
  ['output', 'input gradient', 'weight gradient'].forEach((name, i) => {
    const [g, e, s] = [got[i].dataSync(), exact[i].dataSync(), scale[i].dataSync()];
    assert.equal(got[i].dtype, 'float32');
    const gamma = (1.01 * Math.min(k, 1 << 20)) / 2 ** 24;
    for (let j = 0; j < e.length; j++) {
      if (!(Math.abs(g[j] - e[j]) <= gamma * s[j] + 1e-30)) assert.fail(`${what} ${name}: element ${j} is ${g[j]}, exact ${e[j]}`);
    }
  });
}


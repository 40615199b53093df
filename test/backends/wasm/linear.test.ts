/**
 * The fused linear kernel (bias as the GEMM's starting value) on wasm against the reference: odd sizes and
 * register-tile edges, with and without bias, a transposed input, 1-row and many-row batches, 1 and 2 threads;
 * and its gradients (two products and a column sum) against the reference backend's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../../src/index.js';
import { assertClose } from '../../helpers/index.js';

await ck.ready();
const F = ck.nn.functional;
// float32 sums of k products in different orders: a few ulp of the largest partial sum
const tol = { rtol: 1e-5, atol: 1e-5 };

for (const threads of [1, 2]) {
  for (const [m, k, n] of [[1, 3, 1], [5, 120, 84], [64, 84, 10], [7, 257, 33], [130, 64, 70], [3, 0, 4]]) {
    test(`linear: wasm equals reference, x [${m},${k}] weight [${n},${k}], ${threads} thread(s)`, () => {
      ck.setNumThreads(threads);
      const x = ck.randn([m, k]);
      const w = ck.randn([n, k]);
      const b = ck.randn([n]);
      for (const bias of [b, null]) {
        const [xr, wr, br] = [x, w, bias].map((t) => t?.to('reference') ?? null);
        const expected = F.linear(xr!, wr!, br);
        assert.equal(expected.device, 'reference');
        assertClose(F.linear(x, w, bias), expected, tol, `bias ${!!bias}`);
        // the same product computed unfused, as before this kernel
        const unfused = ((): ck.Tensor => { const y = ck.matmul(xr!, wr!.transpose(0, 1)); return br ? ck.add(y, br) : y; })();
        assertClose(expected, unfused, tol, 'reference fused vs unfused');
      }
    });
  }
}

test('linear: transposed input, 3-D input and a transposed weight', () => {
  const x = ck.randn([40, 9]).transpose(0, 1); // [9, 40] non-contiguous
  const w = ck.randn([40, 17]).transpose(0, 1); // [17, 40] non-contiguous
  const b = ck.randn([17]);
  const [wr, br] = [w.to('reference'), b.to('reference')];
  assertClose(F.linear(x, w, b), F.linear(x.to('reference'), wr, br), tol, '2-D');
  const x3 = ck.randn([2, 5, 40]);
  const y3 = F.linear(x3, w, b);
  assertClose(y3, F.linear(x3.reshape([10, 40]).to('reference'), wr, br).reshape([2, 5, 17]), tol, '3-D');
});

test('linear: gradients of x, weight and bias match the reference backend', () => {
  const grads = (backend: string): ck.Tensor[] => ck.withBackend(backend, () => {
    const x = ck.randn([33, 50], { generator: new ck.Generator(1) }).requiresGrad_(true);
    const w = ck.randn([21, 50], { generator: new ck.Generator(2) }).requiresGrad_(true);
    const b = ck.randn([21], { generator: new ck.Generator(3) }).requiresGrad_(true);
    ck.sum(ck.mul(F.linear(x, w, b), ck.randn([33, 21], { generator: new ck.Generator(4) }))).backward();
    return [x.grad!, w.grad!, b.grad!];
  });
  const [wasm, ref] = [grads('wasm'), grads('reference')];
  wasm.forEach((g, i) => assertClose(g, ref[i], tol, ['dx', 'dW', 'db'][i]));
});

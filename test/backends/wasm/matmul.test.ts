/**
 * The wasm GEMM against float64 products of the same float32 inputs, on shapes that hit every edge: partial
 * register tiles, depth beyond one KC panel, transposed and broadcast operands, batches, splits across threads.
 * The tolerance is the textbook bound for a float32 dot product of length k: |ĉ − c| ≤ γ_k·(|A|·|B|), γ_k ≈ k·2⁻²⁴.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../../src/index.js';
import { splitRange } from '../../../src/backends/wasm/matmul.js';
import { findBackend } from '../../../src/backends/registry.js';
import type { WasmBackend } from '../../../src/backends/wasm/index.js';

// these tests are about the wasm kernels whatever the suite's default backend is (npm run test:reference)
ck.setBackend('wasm');

function assertWithinDotBound(got: ck.Tensor, a: ck.Tensor, b: ck.Tensor, what: string): void {
  const k = a.shape[a.ndim - 1];
  const exact = ck.matmul(a.to('float64'), b.to('float64')).dataSync();
  const scale = ck.matmul(ck.abs(a).to('float64'), ck.abs(b).to('float64')).dataSync();
  const c = got.dataSync();
  assert.equal(c.length, exact.length, `${what}: size`);
  const gamma = (1.01 * k) / 2 ** 24;
  for (let i = 0; i < c.length; i++) {
    const bound = gamma * scale[i] + 1e-30;
    if (!(Math.abs(c[i] - exact[i]) <= bound)) assert.fail(`${what}: element ${i} is ${c[i]}, exact ${exact[i]}, bound ${bound}`);
  }
}

test('matmul on edge shapes (partial tiles, k beyond one panel, single rows and columns)', () => {
  ck.manualSeed(7);
  for (const [m, k, n] of [[1, 1, 1], [3, 5, 7], [4, 8, 8], [5, 9, 17], [33, 385, 9], [1, 700, 130], [130, 3, 1], [129, 130, 131]]) {
    const a = ck.randn([m, k]);
    const b = ck.randn([k, n]);
    assertWithinDotBound(ck.matmul(a, b), a, b, `${m}x${k}x${n}`);
  }
});

test('transposed, sliced and broadcast operands are read through their strides', () => {
  ck.manualSeed(8);
  const a = ck.randn([40, 29]).t(); // [29,40], column-major
  const b = ck.randn([23, 40]).t(); // [40,23]
  assertWithinDotBound(ck.matmul(a, b), a, b, 'aᵀ·bᵀ');
  // a transposed B goes through packing in 4×4 register blocks of depth, the last k % 4 rows one by one: depths
  // below, at and past one block and one KC panel (384), whole and partial 8-column panels
  for (const [k, n] of [[1, 8], [3, 16], [4, 9], [7, 17], [389, 24]]) {
    const bt = ck.randn([n, k]).t();
    const left = ck.randn([5, k]);
    assertWithinDotBound(ck.matmul(left, bt), left, bt, `a·bᵀ, k ${k}, n ${n}`);
  }
  const wide = ck.randn([50, 300]);
  const col = ck.narrow(wide, 1, 7, 3); // [50,3] spread over a big storage range: gathered densely
  const c = ck.randn([3, 11]);
  assertWithinDotBound(ck.matmul(col, c), col, c, 'narrow column block');
  const batched = ck.randn([3, 17, 19]);
  const shared = ck.randn([19, 6]); // broadcast over the batch: batch stride 0
  const out = ck.matmul(batched, shared);
  assert.deepEqual(out.shape, [3, 17, 6]);
  for (let i = 0; i < 3; i++) assertWithinDotBound(ck.select(out, 0, i), ck.select(batched, 0, i), shared, `batch ${i}`);
});

test('large products split across threads give the same numbers as one thread', async () => {
  ck.manualSeed(9);
  const before = ck.getNumThreads();
  try {
    ck.setNumThreads(2);
    await ck.ready(); // workers start lazily; this waits until they take jobs
    assert.equal((findBackend('wasm') as WasmBackend).activeThreads(), 2);
    for (const [batch, m, k, n] of [[1, 203, 150, 97], [1, 37, 200, 301], [4, 61, 130, 70]]) {
      const a = ck.randn([batch, m, k]);
      const b = ck.randn([batch, k, n]);
      ck.setNumThreads(1);
      const one = ck.matmul(a, b);
      ck.setNumThreads(2);
      const two = ck.matmul(a, b);
      assert.deepEqual(two.dataSync(), one.dataSync(), `${batch}x${m}x${k}x${n}: the split changes which thread computes a tile, not its sums`);
      for (let i = 0; i < batch; i++) assertWithinDotBound(ck.select(two, 0, i), ck.select(a, 0, i), ck.select(b, 0, i), `batch ${i}`);
    }
  } finally {
    ck.setNumThreads(before);
  }
});

test('empty and zero-depth products', () => {
  assert.deepEqual(ck.matmul(ck.ones([3, 0]), ck.ones([0, 4])).toArray(), [[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]]);
  assert.deepEqual(ck.matmul(ck.ones([0, 5]), ck.ones([5, 4])).shape, [0, 4]);
});

test('float64 and int32 products fall back to the reference kernel', () => {
  const a = ck.tensor([[1, 2], [3, 4]], { dtype: 'int32' });
  assert.deepEqual(ck.matmul(a, a).toArray(), [[7, 10], [15, 22]]); // by hand: [1·1+2·3, 1·2+2·4; 3·1+4·3, 3·2+4·4]
  assert.equal(ck.matmul(a.to('float64'), a.to('float64')).dtype, 'float64');
});

test('splitRange covers the range in aligned, non-empty pieces', () => {
  assert.deepEqual(splitRange(10, 2, 4), [[0, 8], [8, 2]]);
  assert.deepEqual(splitRange(3, 4, 1), [[0, 1], [1, 1], [2, 1]]);
  assert.deepEqual(splitRange(16, 2, 4), [[0, 8], [8, 8]]);
});

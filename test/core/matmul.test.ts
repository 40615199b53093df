import { test } from 'node:test';
import * as ck from '../../src/index.js';
import { readyBackends } from '../helpers/backends.js';
import { assertClose } from '../helpers/index.js';

/** The textbook definition c[i][j] = sum_p a[i][p] b[p][j], in float64. */
const BACKENDS = await readyBackends();

function naive(a: ck.Tensor, b: ck.Tensor): ck.Tensor {
  const [m, k] = a.shape;
  const n = b.shape[1];
  const x = a.dataSync();
  const y = b.dataSync();
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) out[i * n + j] += x[i * k + p] * y[p * n + j];
  return ck.tensor(out, { shape: [m, n] });
}

test('blocked matmul equals the definition on edge sizes (partial tiles, depth beyond one panel)', () => {
  ck.manualSeed(3);
  for (const [m, k, n] of [[1, 1, 1], [7, 300, 9], [4, 513, 4], [13, 5, 3], [5, 17, 130]]) {
    for (const backend of BACKENDS) {
      ck.withBackend(backend, () => {
        const a = ck.randn([m, k], { dtype: 'float64' });
        const b = ck.randn([k, n], { dtype: 'float64' });
        assertClose(a.matmul(b), naive(a, b), { rtol: 1e-10, atol: 1e-10 }, `${backend} ${m}x${k}x${n}`);
      });
    }
  }
});

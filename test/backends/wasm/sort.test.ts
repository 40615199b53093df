/** The wasm backend's argsort (native float64 key sorting) against the reference kernel: ties, NaN, ±0, ±inf, int32, descending. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../../src/index.js';

const both = (x: ck.Tensor, dim: number, descending: boolean): [number[], number[]] => {
  const run = (backend: string): number[] => Array.from(ck.withBackend(backend, () => ck.argsort(x, dim, descending)).dataSync());
  return [run('wasm'), run('reference')];
};

test('argsort on wasm orders exactly as the reference kernel (stable, NaN last, -0 equal to +0)', () => {
  ck.manualSeed(3);
  const special = [0, -0, NaN, Infinity, -Infinity, 1e-38, -1e-38, 3.4e38, -3.4e38, 1, 1, -1];
  const values = ck.randint(-4, 4, [6, 40]).float().dataSync();
  values.set(special, 0);
  values.set(special, 53);
  const x = ck.tensor(values, { shape: [6, 40] });
  for (const dim of [0, 1]) {
    for (const descending of [false, true]) {
      const [fast, ref] = both(x, dim, descending);
      assert.deepEqual(fast, ref, `dim ${dim}, descending ${descending}`);
    }
  }
  const ints = ck.tensor(Int32Array.from([5, -2147483648, 2147483647, 0, 5, -1]), { dtype: 'int32' });
  for (const descending of [false, true]) assert.deepEqual(...both(ints, 0, descending));
  assert.deepEqual(both(ints, 0, false)[0], [1, 5, 3, 0, 4, 2]);
});

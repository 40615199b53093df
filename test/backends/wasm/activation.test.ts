/**
 * The WebAssembly activation gradients against the reference loops: sizes with a scalar tail, small ones (the
 * JavaScript path), non-contiguous operands, NaN and infinities, on 1 and 2 threads. threshold and leakyRelu
 * select or scale exactly, so they must be bit-identical; sigmoid and tanh round each float32 step as PyTorch
 * does while the reference rounds once, so they agree to float32 rounding of 1 - s² (1e-5 relative).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../../src/index.js';
import type { ActivationGrad } from '../../../src/backends/backend.js';
import { activationBackward } from '../../../src/ops/activation-backward.js';
import { assertClose } from '../../helpers/index.js';

await ck.ready();

/** Random values with exact zeros, NaNs and infinities mixed in. */
function special(shape: number[], scale = 2): ck.Tensor {
  const t = ck.mul(ck.randn(shape), scale);
  const d = t.dataSync();
  for (let i = 0; i < d.length; i += 53) d[i] = 0;
  for (let i = 7; i < d.length; i += 211) d[i] = NaN;
  for (let i = 11; i < d.length; i += 307) d[i] = i % 2 ? Infinity : -Infinity;
  return t;
}

const CASES: [ActivationGrad, number, number][] = [['threshold', 0, 0], ['threshold', 0.5, 0], ['leakyRelu', 0.1, 0], ['sigmoid', 0, 1e-5], ['tanh', 0, 1e-5]];

for (const threads of [1, 2]) {
  for (const shape of [[4099], [64, 6, 28, 28], [3, 5, 7], [2, 4097]]) {
    test(`activationBackward: wasm equals reference, shape [${shape}], ${threads} thread(s)`, () => {
      ck.setNumThreads(threads);
      const g = special(shape);
      const s = ck.sigmoid(special(shape)); // in [0, 1] like a saved output, NaN kept
      for (const [op, p, rtol] of CASES) {
        const saved = op === 'threshold' || op === 'leakyRelu' ? special(shape) : s;
        const fast = activationBackward(op, g, saved, p);
        assert.equal(fast.device, 'wasm');
        const ref = activationBackward(op, g.to('reference'), saved.to('reference'), p);
        assertClose(fast, ref, { rtol, atol: rtol ? 1e-6 : 0 }, `${op} p=${p}`);
      }
    });
  }
}

test('activationBackward: non-contiguous grad and saved views on wasm', () => {
  const g = special([97, 83]).transpose(0, 1);
  const s = special([83, 97]);
  for (const [op, p] of CASES) {
    const fast = activationBackward(op, g, s, p);
    const ref = activationBackward(op, g.contiguous().to('reference'), s.to('reference'), p);
    assertClose(fast, ref, { rtol: 1e-5, atol: 1e-6 }, op);
  }
});

test('activationBackward: threshold gives 0, not NaN, for an infinite gradient where masked', () => {
  const n = 8192;
  const g = ck.full([n], Infinity);
  const s = ck.full([n], -1);
  const out = ck.withBackend('wasm', () => activationBackward('threshold', g, s, 0)).dataSync();
  assert.ok(out.every((v) => v === 0));
  assert.equal(ck.withBackend('wasm', () => ck.relu(ck.full([n], NaN))).dataSync().filter(Number.isNaN).length, n, 'relu passes NaN as torch.relu');
});

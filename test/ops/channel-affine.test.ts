/**
 * The fused per-channel scale and shift (+ residual, ReLU) behind BatchNorm and ResNet's blocks: against PyTorch
 * op by op (fixtures), against convkit's own unfused ops bit for bit on both backends (odd rows, batch 1 and 3,
 * 1 and 2 threads, every combination of parts), float64 finite differences, and its errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { channelAffine } from '../../src/ops/index.js';
import { AFFINE_PARALLEL_MIN } from '../../src/backends/wasm/channel-affine.js';
import { assertClose, fromSpec, loadFixture, type TensorSpec } from '../helpers/index.js';

interface Case {
  name: string;
  relu: boolean;
  x: TensorSpec;
  scale: TensorSpec;
  shift?: TensorSpec;
  residual?: TensorSpec;
  y: TensorSpec;
  gy: TensorSpec;
  dx: TensorSpec;
  dscale: TensorSpec;
  dshift?: TensorSpec;
  dresidual?: TensorSpec;
}

const { cases } = loadFixture<{ cases: Case[] }>('channel_affine');

for (const backend of ['reference', 'wasm']) {
  test(`channelAffine equals PyTorch's x·scale + shift + residual, relu (${backend})`, () => ck.withBackend(backend, () => {
    for (const c of cases) {
      const x = fromSpec(c.x, { requiresGrad: true });
      const scale = fromSpec(c.scale, { requiresGrad: true });
      const shift = c.shift ? fromSpec(c.shift, { requiresGrad: true }) : null;
      const residual = c.residual ? fromSpec(c.residual, { requiresGrad: true }) : null;
      const y = channelAffine(x, scale, shift, { residual, relu: c.relu });
      assertClose(y, c.y, { rtol: 1e-5, atol: 1e-6 }, `${c.name}: output`);
      const leaves = [x, scale, shift, residual].filter((t): t is ck.Tensor => t !== null);
      const grads = ck.autograd.grad(ck.sum(ck.mul(y, fromSpec(c.gy))), leaves) as ck.Tensor[];
      const expected = [c.dx, c.dscale, c.dshift, c.dresidual].filter((t): t is TensorSpec => t !== undefined);
      grads.forEach((g, i) => assertClose(g, expected[i], { rtol: 1e-5, atol: 1e-5 }, `${c.name}: gradient ${i}`));
    }
  }));
}

/** The same computation with the separate ops (each PyTorch-tested on its own). */
function unfused(x: ck.Tensor, scale: ck.Tensor, shift: ck.Tensor | null, residual: ck.Tensor | null, relu: boolean): ck.Tensor {
  const per = [1, x.shape[1], ...x.shape.slice(2).map(() => 1)];
  let y = ck.mul(x, ck.reshape(scale, per));
  if (shift) y = ck.add(y, ck.reshape(shift, per));
  if (residual) y = ck.add(y, residual);
  return relu ? ck.relu(y) : y;
}

test('channelAffine: the output is the unfused ops\' bit for bit and the gradients match, on every backend and thread count', async () => {
  ck.manualSeed(21);
  const before = ck.getNumThreads();
  try {
    // wasm: 3·6·17·19 = 5,814 elements on one thread, 1·20·113·117 = 264,420 past AFFINE_PARALLEL_MIN with rows
    // split across threads; rows of 323 and 13,221 leave vector tails; 210 elements take the reference loop
    for (const shape of [[3, 6, 17, 19], [1, 20, 113, 117], [2, 3, 5, 7]]) {
      for (const threads of [1, 2]) {
        ck.setNumThreads(threads);
        await ck.ready();
        for (const backend of ['reference', 'wasm']) ck.withBackend(backend, () => {
          for (let parts = 0; parts < 8; parts++) {
            const [withShift, withResidual, relu] = [parts & 1, parts & 2, parts & 4].map(Boolean);
            const what = `${backend}, ${threads} threads, ${JSON.stringify(shape)}, shift ${withShift}, residual ${withResidual}, relu ${relu}`;
            const x = ck.randn(shape).requiresGrad_(true);
            if (shape[0] === 1) assert.ok(x.numel() >= AFFINE_PARALLEL_MIN, 'the thread split is tested');
            const scale = ck.randn([shape[1]]).requiresGrad_(true);
            const shift = withShift ? ck.randn([shape[1]]).requiresGrad_(true) : null;
            const residual = withResidual ? ck.randn(shape).requiresGrad_(true) : null;
            const leaves = [x, scale, shift, residual].filter((t): t is ck.Tensor => t !== null);
            const gy = ck.randn(shape);
            const fused = channelAffine(x, scale, shift, { residual, relu });
            const plain = unfused(x, scale, shift, residual, relu);
            assert.deepEqual(fused.dataSync(), plain.dataSync(), `${what}: output`);
            const g1 = ck.autograd.grad(ck.sum(ck.mul(fused, gy)), leaves) as ck.Tensor[];
            const g2 = ck.autograd.grad(ck.sum(ck.mul(plain, gy)), leaves) as ck.Tensor[];
            g1.forEach((g, i) => assertClose(g, g2[i], { rtol: 1e-5, atol: 1e-5 }, `${what}: gradient ${i}`));
          }
        });
      }
    }
  } finally {
    ck.setNumThreads(before);
  }
});

test('channelAffine: its ReLU passes NaN and maps -inf to 0, as ck.relu and torch.relu do, on every backend', () => {
  // 2·4·32·32 = 8,192 elements: past WASM_MIN_ELEMENTS, so the wasm backend runs the SIMD loop and its scalar tail
  const shape = [2, 4, 32, 33];
  const raw = ck.randn(shape).dataSync() as Float32Array;
  for (const i of [0, 7, 4000, raw.length - 1]) raw[i] = NaN;
  raw[5] = -Infinity;
  raw[6] = Infinity;
  for (const backend of ['reference', 'wasm']) ck.withBackend(backend, () => {
    const x = ck.tensor(raw, { shape });
    const scale = ck.ones([shape[1]]);
    const fused = channelAffine(x, scale, null, { relu: true }).dataSync();
    const plain = ck.relu(x).dataSync();
    for (let i = 0; i < raw.length; i++) assert.ok(Object.is(fused[i], plain[i]), `${backend}: element ${i}: ${fused[i]} vs relu's ${plain[i]}`);
    assert.ok(Number.isNaN(fused[0]) && fused[5] === 0 && fused[6] === Infinity, `${backend}: NaN passes, -inf gives 0`);
  });
});

test('channelAffine: float64 gradients agree with central differences', () => {
  ck.manualSeed(22);
  const opts = { dtype: 'float64' as const };
  const x = ck.randn([2, 3, 4, 5], opts);
  // ReLU's kink: keep the pre-activations away from 0 so the differences do not straddle it
  const check = (relu: boolean): boolean => ck.autograd.gradcheck(
    (xx, s, t, r) => channelAffine(xx, s, t, { residual: r, relu }),
    [x, ck.randn([3], opts), ck.randn([3], opts), ck.mul(ck.sign(ck.randn([2, 3, 4, 5], opts)), 5)],
  );
  assert.ok(check(false));
  assert.ok(check(true));
});

test('channelAffine: bad shapes and dtypes are errors naming the expected and the received', () => {
  const x = ck.randn([2, 3, 4, 4]);
  assert.throws(() => channelAffine(x, ck.ones([4]), null), /channelAffine: expected scale of shape \[3\] for input \[2,3,4,4\], got \[4\]/);
  assert.throws(() => channelAffine(x, ck.ones([3]), ck.ones([3, 1])), /channelAffine: expected shift of shape \[3\] for input \[2,3,4,4\], got \[3,1\]/);
  assert.throws(() => channelAffine(x, ck.ones([3]), null, { residual: ck.ones([2, 3, 4, 1]) }), /expected residual of shape \[2,3,4,4\] for input \[2,3,4,4\], got \[2,3,4,1\]/);
  assert.throws(() => channelAffine(x, ck.ones([3], { dtype: 'float64' }), null), /expected scale of dtype float32 like the input, got float64/);
  assert.throws(() => channelAffine(ck.ones([3]), ck.ones([3]), null), /channelAffine: expected a floating input \[N, C, \.\.\.\], got \[3\] float32/);
});

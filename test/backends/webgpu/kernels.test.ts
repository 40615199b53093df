/**
 * Every webgpu kernel against the reference backend (the textbook oracle) on small shapes, through the public ops:
 * broadcasting and strided views, NaN and infinities, int and bool dtypes, gradients of conv and pooling.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../../src/index.js';
import { findBackend } from '../../../src/backends/registry.js';
import type { WebGpuBackend } from '../../../src/backends/webgpu/index.js';
import { assertCloseGpu, startWebgpu, values } from '../../helpers/webgpu.js';

const skip = await startWebgpu('test/backends/webgpu/kernels.test.ts');
const F = ck.nn.functional;

/** Runs `build` on webgpu and on the reference backend and compares every returned tensor. */
async function same(build: () => ck.Tensor | ck.Tensor[], tol: { rtol?: number; atol?: number } = {}): Promise<void> {
  const expected = ck.withBackend('reference', () => [build()].flat().map((t) => ({ shape: t.shape, dtype: t.dtype, data: t.dataSync() })));
  const actual = [build()].flat();
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < actual.length; i++) {
    assert.equal(actual[i].dtype, expected[i].dtype, `output ${i}: dtype`);
    assert.equal(actual[i].device, 'webgpu');
    await assertCloseGpu(actual[i], expected[i].data, { ...tol, shape: expected[i].shape }, `output ${i}`);
  }
}

const SPECIAL = [0, -0, 1, -1, 0.5, -0.5, 1.5, 2.5, -2.5, 1e-7, -1e-7, 3.7, -3.7, 20, -20, 100, -100, NaN, Infinity, -Infinity];
const t = (v: number[], shape?: number[], dtype: ck.DType = 'float32'): ck.Tensor => ck.tensor(v, { shape: shape ?? [v.length], dtype });

describe('webgpu kernels match the reference backend', { skip: skip ?? false }, () => {
  test('unary float ops on special values', async () => {
    const ops = ['neg', 'abs', 'exp', 'log', 'log1p', 'expm1', 'sqrt', 'rsqrt', 'tanh', 'sigmoid', 'relu', 'sign', 'floor', 'ceil', 'round', 'reciprocal', 'square'] as const;
    for (const op of ops) await same(() => (ck[op] as (x: ck.Tensor) => ck.Tensor)(t(SPECIAL)), { rtol: 2e-6 }).catch((e: Error) => assert.fail(`${op}: ${e.message}`));
    await same(() => [ck.sin(t(values(50, 3, -6, 6))), ck.cos(t(values(50, 4, -6, 6)))], { atol: 2e-6 });
    await same(() => [ck.isfinite(t(SPECIAL)), ck.logicalNot(t(SPECIAL.filter((v) => !Number.isNaN(v))))]);
    // torch.logical_not(nan) is False (NaN is non-zero); the reference backend's JS truthiness says True
    assert.deepEqual([...await ck.logicalNot(t([NaN, 0])).data()], [0, 1]);
    await same(() => ck.erf(t([...values(40, 5, -7, 7), NaN, 0])), { atol: 2e-6 });
  });

  test('unary and binary int32 and bool ops', async () => {
    const a = [-7, -3, -1, 0, 1, 2, 5, 9];
    const b = [2, -2, 3, 5, -4, 2, 3, 4];
    await same(() => [ck.neg(t(a, undefined, 'int32')), ck.abs(t(a, undefined, 'int32')), ck.sign(t(a, undefined, 'int32')), ck.square(t(a, undefined, 'int32'))]);
    await same(() => {
      const [x, y] = [t(a, undefined, 'int32'), t(b, undefined, 'int32')];
      return [ck.add(x, y), ck.mul(x, y), ck.floorDivide(x, y), ck.remainder(x, y), ck.maximum(x, y), ck.div(x, y), ck.lt(x, y), ck.eq(x, y)];
    });
    await same(() => {
      const [x, y] = [t([1, 0, 1, 0], undefined, 'bool'), t([1, 1, 0, 0], undefined, 'bool')];
      return [ck.logicalAnd(x, y), ck.logicalOr(x, y), ck.add(x, t([1, 2, 3, 4], undefined, 'int32'))];
    });
  });

  test('binary float ops with broadcasting, scalars and transposed views', async () => {
    const ops = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'floorDivide', 'remainder', 'eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;
    for (const op of ops) {
      await same(() => {
        const f = ck[op] as (a: ck.Tensor | number, b: ck.Tensor | number) => ck.Tensor;
        const a = t(values(24, 7), [2, 3, 4]);
        const b = t(values(12, 8), [4, 3]).t(); // [3, 4], non-contiguous
        const c = t(values(2, 9), [2, 1, 1]);
        return [f(a, b), f(c, b), f(a, 1.5), f(-2, a)];
      }, { rtol: 2e-6 }).catch((e: Error) => assert.fail(`${op}: ${e.message}`));
    }
    // pow's signs and specials, NaN through maximum
    await same(() => ck.pow(t([-2, -2, -8, 0, 0, -0, 2, NaN, 3, -3, 2, 0.5, -Infinity, Infinity]), t([2, 3, 1 / 3, 0, -1, -3, 0.5, 0, -2, 1.5, Infinity, Infinity, 3, -1])));
    await same(() => [ck.maximum(t([1, NaN, 3]), t([NaN, 2, 1])), ck.minimum(t([1, NaN, 3]), t([NaN, 2, 1]))]);
    await same(() => ck.where(t([1, 0, 1, 0], [2, 2], 'bool'), t([1, 2, 3, 4], [2, 2]), t([9], [1])));
  });

  test('reductions over every dim choice, with NaN, and long rows', async () => {
    const x = (): ck.Tensor => t(values(60, 11), [3, 4, 5]);
    await same(() => [ck.sum(x()), ck.sum(x(), 1), ck.sum(x(), [0, 2]), ck.mean(x(), -1), ck.prod(x(), 0), ck.amax(x(), [1, 2]), ck.amin(x(), 0)], { rtol: 1e-5, atol: 1e-6 });
    await same(() => [ck.sum(x().permute([2, 0, 1]), [1, 2]), ck.amax(x().transpose(0, 2), 1)]);
    await same(() => [ck.amax(t([1, NaN, 3, 2], [2, 2]), 1), ck.amin(t([1, NaN, 3, 2], [2, 2]), 0)]);
    await same(() => ck.sum(t(values(5000, 12), [5000])), { rtol: 1e-4 });
    await same(() => ck.sum(t([1, 2, 3, 4], [4], 'int32')));
    await same(() => ck.sum(t([1, 0, 1, 1], [4], 'bool')));
  });

  test('argmax and argmin: first of ties, NaN wins', async () => {
    await same(() => [ck.argmax(t([1, 3, 3, 2, 0, 0, -1, 0], [2, 4]), 1), ck.argmin(t([1, 3, 3, 2, 0, 0, -1, 0], [2, 4]), 1)]);
    await same(() => [ck.argmax(t([1, NaN, 5, NaN])), ck.argmin(t([4, 2, 2, 9])), ck.argmax(t(values(700, 13)))]);
    await same(() => ck.argmax(t(values(24, 14), [2, 3, 4]).permute([2, 1, 0]), 1));
    await same(() => ck.argmax(t([3, 9, 9, 1], [4], 'int32')));
  });

  test('matmul: batched, transposed and broadcast operands, edge tiles', async () => {
    await same(() => ck.matmul(t(values(2 * 37 * 45, 15), [2, 37, 45]), t(values(2 * 45 * 33, 16), [2, 45, 33])), { rtol: 1e-4, atol: 1e-5 });
    await same(() => ck.matmul(t(values(45 * 37, 17), [45, 37]).t(), t(values(33 * 45, 18), [33, 45]).t()), { rtol: 1e-4, atol: 1e-5 });
    await same(() => ck.matmul(t(values(3 * 5 * 7, 19), [3, 5, 7]), t(values(7 * 2, 20), [7, 2])), { rtol: 1e-5 });
    await same(() => ck.matmul(t([1, 2, 3, 4, 5, 6], [2, 3], 'int32'), t([1, 0, -1, 2, 3, 1], [3, 2], 'int32')));
    await same(() => F.linear(t(values(6 * 20, 21), [6, 20]), t(values(9 * 20, 22), [9, 20]), t(values(9, 23))), { rtol: 1e-5, atol: 1e-6 });
  });

  test('GEMM: interior tiles with vec4 loads, edge tiles on every side, unaligned views falling back to scalar loads', async () => {
    // [2,68,52]·[2,52,100]: interior and edge tiles along M (64..67), N (96..99) and K (48..51), both operands vec4
    await same(() => ck.matmul(t(values(2 * 68 * 52, 40), [2, 68, 52]), t(values(2 * 52 * 100, 41), [2, 52, 100])), { rtol: 1e-4, atol: 1e-5 });
    // A transposed (vec4 along K impossible), B broadcast over the batch (stride 0)
    await same(() => ck.matmul(t(values(2 * 64 * 40, 42), [2, 64, 40]).transpose(1, 2), t(values(64 * 36, 43), [64, 36])), { rtol: 1e-4, atol: 1e-5 });
    // offsets 1 (scalar loads) and 4 (vec4) into one storage
    const base = (): ck.Tensor => t(values(70 * 48, 44), [70, 48]);
    await same(() => [ck.matmul(base().narrow(0, 1, 33), base().narrow(0, 4, 48)), ck.matmul(base().flatten().narrow(0, 1, 33 * 48).reshape([33, 48]), base().narrow(0, 2, 48))], { rtol: 1e-4, atol: 1e-5 });
    await same(() => ck.matmul(t(values(40 * 36, 45, -9, 9).map(Math.round), [40, 36], 'int32'), t(values(36 * 64, 46, -9, 9).map(Math.round), [36, 64], 'int32')));
    // linear: X and W both vec4 along K; and W transposed in memory
    await same(() => F.linear(t(values(70 * 64, 47), [70, 64]), t(values(36 * 64, 48), [36, 64]), t(values(36, 49))), { rtol: 1e-4, atol: 1e-5 });
    await same(() => F.linear(t(values(70 * 64, 50), [70, 64]), t(values(64 * 36, 51), [64, 36]).t(), null), { rtol: 1e-4, atol: 1e-5 });
    // conv forward with the weights staged as vec4 (C/groups·9 = 36) and not (C/groups·9 = 45)
    for (const c of [4, 5]) await same(() => F.conv2d(t(values(2 * c * 20 * 20, 52), [2, c, 20, 20]), t(values(40 * c * 9, 53), [40, c, 3, 3]), t(values(40, 54)), { padding: 1 } as never), { rtol: 1e-4, atol: 1e-5 });
  });

  test('vec4Aligned: vector loads only where every row starts at a multiple of 4', async () => {
    const { vec4Aligned } = await import('../../../src/backends/webgpu/matmul.js');
    assert.equal(vec4Aligned(0, 1, [52, 3536]), true);
    assert.equal(vec4Aligned(4, 1, [48]), true);
    assert.equal(vec4Aligned(1, 1, [48]), false, 'offset');
    assert.equal(vec4Aligned(0, 1, [45]), false, 'row stride');
    assert.equal(vec4Aligned(0, 40, [1]), false, 'transposed');
    assert.equal(vec4Aligned(0, 1, [0, 64]), true, 'broadcast batch');
  });

  test('gather, scatterAdd, indexSelect, cat, copy_ into strided views', async () => {
    const idx = (): ck.Tensor => t([0, 2, 1, 1, 0, 0], [2, 3], 'int32');
    await same(() => [ck.gather(t(values(12, 24), [3, 4]), 0, idx().narrow(1, 0, 3)), ck.gather(t(values(12, 25), [2, 6]), 1, idx())]);
    await same(() => ck.scatterAdd(ck.zeros([3, 3]), 0, idx(), t(values(6, 26), [2, 3])));
    await same(() => ck.scatterAdd(ck.zeros([2, 4]), 1, idx(), t(values(12, 27), [2, 6])));
    await same(() => ck.indexSelect(t(values(20, 28), [4, 5]), 1, t([4, 0, 2], [3], 'int32')));
    await same(() => ck.cat([t(values(6, 29), [2, 3]), t(values(4, 30), [2, 2])], 1));
    await same(() => {
      const x = ck.zeros([4, 5]);
      x.narrow(1, 1, 3).copy_(t(values(3, 31), [3]));
      x.narrow(0, 2, 1).copy_(x.narrow(0, 0, 1).clone());
      return x;
    });
    await same(() => [t(values(6, 32), [2, 3]).to('int32'), t([0, 1, 2], [3], 'int32').to('bool'), t([0, 1, 0], [3], 'bool').to('float32')]);
  });

  test('conv2d forward and gradients: stride, padding, dilation, groups, bias', async () => {
    const geoms = [
      { stride: 1, padding: 0, dilation: 1, groups: 1 },
      { stride: 2, padding: 1, dilation: 1, groups: 1 },
      { stride: [1, 2], padding: [2, 0], dilation: [2, 1], groups: 2 },
      { stride: 1, padding: 1, dilation: 1, groups: 4 }, // depthwise
    ];
    for (const g of geoms) {
      await same(() => {
        const x = t(values(2 * 4 * 7 * 6, 33), [2, 4, 7, 6]).requiresGrad_(true);
        const w = t(values(4 * (4 / g.groups) * 3 * 3, 34), [4, 4 / g.groups, 3, 3]).requiresGrad_(true);
        const b = t(values(4, 35)).requiresGrad_(true);
        const y = F.conv2d(x, w, b, g as never);
        ck.sum(ck.mul(y, t(values(y.numel(), 36), y.shape))).backward();
        return [y, x.grad as ck.Tensor, w.grad as ck.Tensor, b.grad as ck.Tensor];
      }, { rtol: 1e-4, atol: 1e-5 }).catch((e: Error) => assert.fail(`${JSON.stringify(g)}: ${e.message}`));
    }
  });

  test('conv2d through implicit GEMM (16+ channels per group) with a split-K weight gradient, and the software plan', async () => {
    // SwiftShader gets direct loops (planConv's software plan); the tiled kernels run here with the hardware plan
    const ctx = (findBackend('webgpu') as WebGpuBackend).context;
    const software = ctx.software;
    for (const [n, c, side, groups, stride, hardware] of [[2, 16, 20, 1, 1, 1], [2, 32, 9, 2, 2, 1], [2, 16, 20, 1, 1, 0], [2, 32, 9, 2, 2, 0], [5, 3, 9, 1, 2, 0]]) {
      ctx.software = !hardware;
      await same(() => {
        const x = t(values(n * c * side * side, 47), [n, c, side, side]).requiresGrad_(true);
        const w = t(values(c * (c / groups) * 9, 48), [c, c / groups, 3, 3]).requiresGrad_(true);
        const b = t(values(c, 49)).requiresGrad_(true);
        const y = F.conv2d(x, w, b, { padding: 1, groups, stride } as never);
        ck.sum(ck.mul(y, t(values(y.numel(), 50), y.shape))).backward();
        return [y, x.grad as ck.Tensor, w.grad as ck.Tensor, b.grad as ck.Tensor];
      }, { rtol: 1e-4, atol: 1e-4 }).catch((e: Error) => assert.fail(`${[n, c, side, groups, stride, hardware]}: ${e.message}`)).finally(() => { ctx.software = software; });
    }
  });

  test('conv1d, conv3d and convTranspose2d share the 5-D kernels', async () => {
    await same(() => {
      const x = t(values(2 * 3 * 11, 37), [2, 3, 11]).requiresGrad_(true);
      const w = t(values(5 * 3 * 4, 38), [5, 3, 4]).requiresGrad_(true);
      const y = F.conv1d(x, w, null, { stride: 2, padding: 1 } as never);
      ck.sum(ck.square(y)).backward();
      return [y, x.grad as ck.Tensor, w.grad as ck.Tensor];
    }, { rtol: 1e-4, atol: 1e-5 });
    await same(() => {
      const x = t(values(1 * 2 * 4 * 5 * 5, 39), [1, 2, 4, 5, 5]).requiresGrad_(true);
      const w = t(values(3 * 2 * 2 * 3 * 3, 40), [3, 2, 2, 3, 3]).requiresGrad_(true);
      const y = F.conv3d(x, w, null, { padding: 1 } as never);
      ck.sum(ck.square(y)).backward();
      return [y, x.grad as ck.Tensor, w.grad as ck.Tensor];
    }, { rtol: 1e-4, atol: 1e-4 });
    await same(() => {
      const x = t(values(2 * 4 * 5 * 5, 41), [2, 4, 5, 5]).requiresGrad_(true);
      const w = t(values(4 * 3 * 3 * 3, 42), [4, 3, 3, 3]).requiresGrad_(true);
      const y = F.convTranspose2d(x, w, null, { stride: 2, padding: 1, outputPadding: 1 } as never);
      ck.sum(ck.square(y)).backward();
      return [y, x.grad as ck.Tensor, w.grad as ck.Tensor];
    }, { rtol: 1e-4, atol: 1e-4 });
  });

  test('max pooling with indices and gradients, average and adaptive pooling, unfold/fold', async () => {
    await same(() => {
      const x = t(values(2 * 3 * 7 * 7, 43), [2, 3, 7, 7]).requiresGrad_(true);
      const [y, i] = F.maxPool2d(x, 3, { stride: 2, padding: 1, returnIndices: true } as never) as unknown as [ck.Tensor, ck.Tensor];
      ck.sum(ck.mul(y, t(values(y.numel(), 44), y.shape))).backward();
      return [y, i, x.grad as ck.Tensor];
    });
    await same(() => {
      const x = t([1, NaN, 3, 4, 2, 2, 2, 2, 5, 5, 1, 0, 0, 5, 1, 1], [1, 1, 4, 4]).requiresGrad_(true);
      const y = F.maxPool2d(x, 2, { stride: 1 } as never) as ck.Tensor;
      ck.sum(y).backward();
      return [y, x.grad as ck.Tensor];
    });
    await same(() => {
      const x = t(values(2 * 2 * 9 * 7, 45), [2, 2, 9, 7]).requiresGrad_(true);
      const y = [F.avgPool2d(x, 3, { stride: 2, padding: 1 } as never), F.adaptiveAvgPool2d(x, [4, 3]), F.adaptiveMaxPool2d(x, [2, 5]) as ck.Tensor];
      ck.sum(ck.add(ck.add(ck.sum(y[0]), ck.sum(ck.square(y[1]))), ck.sum(y[2]))).backward();
      return [...y, x.grad as ck.Tensor];
    }, { rtol: 1e-5, atol: 1e-6 });
    await same(() => {
      const x = t(values(2 * 3 * 5 * 6, 46), [2, 3, 5, 6]);
      const cols = F.unfold(x, [2, 3], { padding: 1, stride: [2, 1] } as never);
      return [cols, F.fold(cols, [5, 6], [2, 3], { padding: 1, stride: [2, 1] } as never)];
    });
  });
});

/**
 * Every kernel of every registered backend against the reference kernel, called directly (below the ops) on
 * random strided views: transposed, sliced with a step, broadcast (stride 0) and offset. A backend method
 * without a case here fails the test, so a new fast path cannot go unchecked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { findBackend } from '../../src/backends/registry.js';
import { readyBackends } from '../helpers/backends.js';
import { registerStrictBackend } from '../../src/backends/strict.js';
import { referenceKernels } from '../../src/backends/reference/index.js';
import type { OptionalKernels, RequiredKernels, Storage, View } from '../../src/backends/backend.js';
import { geometry } from '../../src/ops/conv/spatial.js';
import { fixedWindows, poolWindows } from '../../src/ops/conv/pool-windows.js';

await ck.ready();
registerStrictBackend();

/** Strided views of seeded random data: each kernel case builds its arguments from views on one device. */
type Views = (device: string) => Record<string, View>;

const rand = (shape: number[], seed: number): ck.Tensor => ck.randn(shape, { generator: new ck.Generator(seed), device: 'reference' });
const views: Views = (device) => {
  const on = (t: ck.Tensor): ck.Tensor => t.to(device);
  const big = on(rand([40, 24, 17], 1));
  return {
    a: big.transpose(0, 2), // [17, 24, 40], non-contiguous
    b: on(rand([17, 24, 40], 2)).slice(2, 0, 40, 1),
    row: on(rand([40], 3)).expand([17, 24, 40]), // stride 0
    stepped: on(rand([17, 24, 80], 4)).slice(2, 0, 80, 2), // step 2, offset 0
    offset: on(rand([18, 24, 40], 5)).narrow(0, 1, 17), // offset > 0
    positive: on(rand([17, 24, 40], 6).abs().add(0.1)),
    cond: on(rand([17, 24, 40], 7)).gt(0),
    ma: on(rand([3, 70, 50], 8)).transpose(1, 2), // [3, 50, 70]
    mb: on(rand([3, 60, 70], 9)).transpose(1, 2), // [3, 70, 60]
    index: on(ck.randint(0, 17, [17, 24, 40], { generator: new ck.Generator(10), device: 'reference' })),
    x: on(rand([2, 16, 24, 24], 11)).unsqueeze(2), // [2, 16, 1, 24, 24]
    w: on(rand([32, 16, 3, 3], 12)).unsqueeze(2),
    wg: on(rand([32, 8, 3, 3], 13)).unsqueeze(2),
    bias: on(rand([32], 14)),
    gy: on(rand([2, 32, 12, 12], 15)).unsqueeze(2), // outputs of the stride-2 convolution
    cols: on(rand([2, 16 * 9, 12 * 12], 16)),
    mx: on(rand([2, 16, 24, 24], 17)).unsqueeze(2),
    lx: on(rand([70, 50], 18)).transpose(0, 1), // [50, 70]
    lw: on(rand([30, 70], 19)),
    lb: on(rand([30], 20)),
    scale: on(rand([24], 21)),
    shift: on(rand([24], 22)),
    pgy: on(rand([2, 16, 12, 12], 23)).unsqueeze(2),
    pidx: ck.nn.functional.maxPool2d(on(rand([2, 16, 24, 24], 17)), 3, { stride: 2, padding: 1, returnIndices: true })[1].unsqueeze(2),
  } as Record<string, View>;
};

// the geometry F.conv2d(x, w, { stride: 2, padding: 1 }) makes for a 24×24 input
const geom = geometry([1, 24, 24], [1, 12, 12], [1, 3, 3], [1, 2, 2], [1, 1, 1], [0, 1, 1], 1);
const grouped = { ...geom, groups: 2 };
const windows = poolWindows([fixedWindows(12, 3, 2, 1, 1), fixedWindows(12, 3, 2, 1, 1)]);

/** Each kernel's argument lists, from one device's views; results are compared storage by storage. */
const CASES: Record<keyof RequiredKernels | keyof OptionalKernels, (v: Record<string, View>) => unknown[][]> = {
  copy: (v) => [[v.a, 'float32'], [v.stepped, 'float64'], [v.index, 'float32']],
  fill: () => [['float32', 1000, 2.5], ['int32', 7, -3]],
  unary: (v) => (['neg', 'abs', 'exp', 'log', 'log1p', 'expm1', 'sqrt', 'rsqrt', 'sin', 'cos', 'tanh', 'sigmoid', 'relu', 'sign', 'floor', 'ceil', 'round', 'reciprocal', 'square'] as const)
    .flatMap((op) => [[op, ['log', 'sqrt', 'rsqrt', 'log1p'].includes(op) ? v.positive : v.a, 'float32'], [op, v.offset, 'float32']]),
  binary: (v) => (['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const)
    .flatMap((op) => [[op, op === 'pow' ? v.positive : v.a, v.b, ['eq', 'ne', 'gt', 'ge', 'lt', 'le'].includes(op) ? 'bool' : 'float32'], [op, v.stepped, v.row, ['eq', 'ne', 'gt', 'ge', 'lt', 'le'].includes(op) ? 'bool' : 'float32']]),
  where: (v) => [[v.cond, v.a, v.row, 'float32']],
  reduce: (v) => (['sum', 'prod', 'max', 'min'] as const).flatMap((op) => [[op, v.a, [0, 2], 'float32'], [op, v.stepped, [1], 'float32'], [op, v.offset, [0, 1, 2], 'float32']]),
  argReduce: (v) => [['argmax', v.a, 1], ['argmin', v.stepped, 2]],
  matmul: (v) => [[v.ma, v.mb, 'float32']],
  gather: (v) => [[v.a, 0, v.index]],
  scatterAdd: (v) => [[[17, 24, 40], 0, v.index, v.b, 'float32']],
  assign: () => [],
  erf: (v) => [[v.a, 'float32']],
  conv: (v) => [[v.x, v.w, v.bias, geom], [v.x, v.wg, null, grouped]],
  maxPool: (v) => [[v.mx, windows]],
  linear: (v) => [[v.lx, v.lw, v.lb, 'float32'], [v.lx, v.lw, null, 'float32']],
  // [N, C, ...] with C = 24 on dim 1
  channelAffine: (v) => [[v.b, v.scale, v.shift, v.a, true], [v.a, v.scale, null, null, false]],
  activationBackward: (v) => (['threshold', 'leakyRelu', 'sigmoid', 'tanh'] as const).map((op) => [op, v.a, v.stepped, 0.1, 'float32']),
  scaleAdd_: () => [],
  // in place; against the optimisers' op sequence in test/backends/webgpu/optimizer-step.test.ts
  optimizerStep: () => [],
  // no reference kernel (the default is the op then the activation op): test/backends/webgpu/epilogue.test.ts
  linearActivation: () => [],
  convActivation: () => [],
  // no reference kernel (the default is the op sequence): test/backends/native/training-kernels.test.ts
  batchNormStatistics: () => [],
  batchNormBackwardSums: () => [],
  // no reference kernel (the default is conv then channelAffine): test/backends/native/conv-fused.test.ts
  convChannelAffine: () => [],
  im2col: (v) => [[v.x, geom]],
  col2im: (v) => [[v.cols, 16, geom]],
  convBackwardInput: (v) => [[v.gy, v.w, geom], [v.gy, v.wg, grouped]],
  convBackwardWeight: (v) => [[v.x, v.gy, geom], [v.x, v.gy, grouped]],
  maxPoolBackward: (v) => [[v.pgy, v.pidx, [1, 24, 24]]],
  argsort: (v) => [[v.a, 2, false], [v.stepped, 1, true], [v.index, 0, false]],
};

async function host(device: string, s: Storage): Promise<Float64Array> {
  return Float64Array.from(await findBackend(device).read(s));
}

async function assertAgree(device: string, kernel: string, got: unknown, want: unknown, what: string): Promise<void> {
  if (got === undefined && want === undefined) return;
  if (got && typeof got === 'object' && 'values' in got) {
    const [g, w] = [got as { values: Storage; indices: Storage }, want as { values: Storage; indices: Storage }];
    await assertAgree(device, kernel, g.values, w.values, `${what} values`);
    return assertAgree(device, kernel, g.indices, w.indices, `${what} indices`);
  }
  const [a, b] = [await host(device, got as Storage), await host('reference', want as Storage)];
  assert.equal((got as Storage).device, device, `${what}: the result is on ${device}`);
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < b.length; i++) {
    const ok = Object.is(a[i], b[i]) || Math.abs(a[i] - b[i]) <= 1e-4 * (1 + Math.abs(b[i])) || (Number.isNaN(a[i]) && Number.isNaN(b[i]));
    if (!ok) assert.fail(`${what}: element ${i} is ${a[i]}, reference ${b[i]}`);
  }
}

for (const device of (await readyBackends()).filter((d) => d !== 'reference')) {
  test(`every kernel of '${device}' equals the reference kernel on strided views`, async () => {
    const kernels = findBackend(device).kernels as unknown as Record<string, (...args: unknown[]) => unknown>;
    const [mine, ref] = [views(device), views('reference')];
    for (const name of Object.keys(kernels)) {
      const cases = CASES[name as keyof typeof CASES];
      assert.ok(cases, `${device}.${name} has no case in test/backends/kernels.test.ts`);
      const [ours, theirs] = [cases(mine), cases(ref)];
      for (let i = 0; i < ours.length; i++) {
        const got = kernels[name](...ours[i]);
        const want = (referenceKernels as unknown as Record<string, (...args: unknown[]) => unknown>)[name](...theirs[i]);
        await assertAgree(device, name, got, want, `${device}.${name} case ${i}`);
      }
    }
  });

  test(`in-place kernels of '${device}' (assign, scaleAdd_) write through strided views as the reference does`, async () => {
    const run = async (d: string): Promise<Float64Array[]> => {
      const k = findBackend(d).kernels;
      const v = views(d);
      const base = ck.zeros([40, 24, 17], { device: d });
      const dst = base.transpose(0, 2);
      k.assign(dst, v.b, false);
      k.assign(dst, v.row, true);
      const x = ck.randn([40, 24, 17], { generator: new ck.Generator(30), device: 'reference' }).to(d);
      (k.scaleAdd_ ?? referenceKernels.scaleAdd_)(x.transpose(0, 2), 0.9, v.b, -0.1);
      return [Float64Array.from(await base.data()), Float64Array.from(await x.data())];
    };
    const [ours, theirs] = [await run(device), await run('reference')];
    ours.forEach((a, j) => a.forEach((value, i) => assert.ok(Math.abs(value - theirs[j][i]) <= 1e-6 * (1 + Math.abs(theirs[j][i])), `result ${j}, element ${i}: ${value} vs ${theirs[j][i]}`)));
  });
}

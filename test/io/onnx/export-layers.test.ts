/** User Sequential/Module models built from the layers export, run in onnxruntime and import back. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ck from '../../../src/index.js';
import { LAYER_MODELS } from './layers.js';
import { assertNear, runOrt } from './ort.js';

for (const [name, make, shape] of LAYER_MODELS) {
  test(`toOnnx: ${name}: onnxruntime gives convkit's outputs, at the traced batch and another`, async () => {
    ck.manualSeed(2);
    const model = make();
    // statistics that are not the defaults, so BatchNorm's eval form is tested
    model.train();
    ck.noGrad(() => model.forward(ck.randn(shape)));
    const bytes = await ck.onnx.toOnnx(model, ck.randn(shape));
    for (const batch of [shape[0], 5]) {
      const x = ck.randn([batch, ...shape.slice(1)]);
      const want = ck.noGrad(() => model.eval().forward(x) as ck.Tensor);
      const [got] = await runOrt(bytes, { input: x });
      assertNear(got, want, 1e-4, `${name}, batch ${batch}`);
      const back = (await ck.onnx.fromOnnx(bytes)).eval();
      assertNear(ck.noGrad(() => back.forward(x) as ck.Tensor), want, 1e-5, `${name} imported, batch ${batch}`);
    }
  });
}

test('toOnnx: options are checked and an unsupported op names itself and the module path', async () => {
  const model = new ck.nn.Sequential(new ck.nn.Linear(3, 3), new ck.nn.GELU());
  const x = ck.randn([2, 3]);
  await assert.rejects(ck.onnx.toOnnx(model, x, { opset: 12 }), /toOnnx: opset must be one of 13, 14, 15, 16, 17, got 12/);
  await assert.rejects(ck.onnx.toOnnx(model, x, { opsets: 13 } as object), /toOnnx: unknown option\(s\) opsets/);
  await assert.rejects(ck.onnx.toOnnx(model, x, { inputNames: ['a', 'b'] }), /toOnnx: inputNames names 2 input\(s\), the model takes 1/);
  await assert.rejects(ck.onnx.toOnnx({} as never, x), /toOnnx: expected a Module/);
  // GELU is built from erf, which has no ONNX mapping in opsets 13-17's exporter
  await assert.rejects(ck.onnx.toOnnx(model, x), /toOnnx: .* in module '1' reads an op recorded as 'ErfBackward0'/);
});

test('toOnnx: the model keeps its training mode, and the file states IR 8, the opset and a symbolic batch', async () => {
  const model = ck.models.lenet5();
  model.train();
  const bytes = await ck.onnx.toOnnx(model, ck.randn([1, 1, 32, 32]), { opset: 13, inputNames: ['image'], outputNames: ['logits'] });
  assert.equal(model.training, true);
  const m = await ck.onnx.decodeModel(bytes);
  assert.equal(m.irVersion, 8);
  assert.deepEqual(m.opsetImport, [{ domain: '', version: 13 }]);
  assert.deepEqual(m.graph.inputs, [{ name: 'image', elemType: 1, dims: ['batch', 1, 32, 32] }]);
  assert.deepEqual(m.graph.outputs, [{ name: 'logits', elemType: 1, dims: ['batch', 10] }]);
  // parameters and buffers keep their state-dict keys; the rest are the exporter's constants (shapes, pads)
  assert.deepEqual(m.graph.initializers.map((t) => t.name).filter((n) => !n.startsWith('const_')).sort(), Object.keys(model.stateDict()).sort());
  const fixed = await ck.onnx.decodeModel(await ck.onnx.toOnnx(model, ck.randn([1, 1, 32, 32]), { dynamicBatch: false }));
  assert.deepEqual(fixed.graph.inputs[0].dims, [1, 1, 32, 32]);
});

/** Each opset from 13 to 17: onnxruntime runs the export, and onnx.checker (full check) accepted the same graph. */
import { test } from 'node:test';
import * as ck from '../../../src/index.js';
import { checked, signature } from './checker.js';
import { OPSET_CASES } from './opset-cases.js';
import { assertNear, runOrt } from './ort.js';

for (const [name, make, shape, opset] of OPSET_CASES) {
  test(`toOnnx at opset ${opset}: ${name} passes onnx.checker and runs in onnxruntime`, async () => {
    ck.manualSeed(1);
    const model = make();
    const x = ck.randn(shape);
    const bytes = await ck.onnx.toOnnx(model, x, { opset });
    checked(name, opset, signature(bytes));
    const [got] = await runOrt(bytes, { input: x });
    assertNear(got, ck.noGrad(() => model.eval().forward(x) as ck.Tensor), 1e-4, `${name} at opset ${opset}`);
  });
}

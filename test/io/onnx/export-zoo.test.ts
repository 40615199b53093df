/**
 * Every zoo model exports, runs in onnxruntime-node and gives convkit's logits (1e-4 of the largest logit);
 * small inputs keep the big networks quick (each at the smallest size its architecture accepts).
 */
import { test } from 'node:test';
import * as ck from '../../../src/index.js';
import { checked, signature } from './checker.js';
import { assertNear, runOrt } from './ort.js';
import { ZOO_CASES } from './zoo-cases.js';

for (const [name, make, shape] of ZOO_CASES) {
  test(`toOnnx: ${name} runs in onnxruntime with convkit's logits`, async () => {
    ck.manualSeed(1);
    const model = make();
    const x = ck.randn(shape);
    const bytes = await ck.onnx.toOnnx(model, x);
    const want = ck.noGrad(() => model.eval().forward(x) as ck.Tensor);
    const [got] = await runOrt(bytes, { input: x });
    assertNear(got, want, 1e-4, name);
    checked(name, 17, signature(bytes));
  });
}

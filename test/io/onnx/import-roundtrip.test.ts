/**
 * export → import gives the same logits and the same state dict; the imported module exports again, trains,
 * and can be cut at an inner value to put a new head on (the fine-tuning workflow of docs/onnx.md).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ck from '../../../src/index.js';
import type { Module } from '../../../src/nn/module.js';
import { assertNear, runOrt } from './ort.js';

const M = ck.models;
const CASES: [string, () => Module, number[]][] = [
  ['lenet5', () => M.lenet5(), [2, 1, 32, 32]],
  ['resnet18', () => M.resnet18({ numClasses: 10 }), [2, 3, 32, 32]],
  ['googlenet', () => M.googlenet({ numClasses: 10, auxLogits: false }), [1, 3, 64, 64]],
  ['vgg A-LRN features', () => M.makeLayers(M.VGG_CONFIGS['A-LRN']), [1, 3, 32, 32]],
];

/** Float entries of the state dict (num_batches_tracked is a counter ONNX does not carry). */
const floatState = (m: Module): Record<string, ck.Tensor> => Object.fromEntries(Object.entries(m.stateDict()).filter(([, t]) => t.dtype === 'float32'));

for (const [name, make, shape] of CASES) {
  test(`fromOnnx(toOnnx(${name})): same logits, same state dict, exports again`, async () => {
    ck.manualSeed(3);
    const model = make().eval();
    const x = ck.randn(shape);
    const bytes = await ck.onnx.toOnnx(model, x);
    const back = (await ck.onnx.fromOnnx(bytes)).eval();
    const want = ck.noGrad(() => model.forward(x) as ck.Tensor);
    assertNear(ck.noGrad(() => back.forward(x) as ck.Tensor), want, 1e-6, name);
    const a = floatState(model);
    const b = floatState(back);
    assert.deepEqual(Object.keys(b).sort(), Object.keys(a).sort());
    for (const k of Object.keys(a)) assert.deepEqual(b[k].dataSync(), a[k].dataSync(), k);
    const [again] = await runOrt(await ck.onnx.toOnnx(back, x), { input: x });
    assertNear(again, want, 1e-4, `${name} re-exported`);
  });
}

test('fine-tuning an imported ResNet-18: cut at the pooled features, new head, a few SGD steps, export, onnxruntime agrees', async () => {
  ck.manualSeed(4);
  const x = ck.randn([4, 3, 32, 32]);
  const bytes = await ck.onnx.toOnnx(M.resnet18({ numClasses: 1000 }), x);
  const pooled = (await ck.onnx.fromOnnx(bytes)).nodes.find((n) => n.opType === 'GlobalAveragePool')!.outputs[0];
  const backbone = await ck.onnx.fromOnnx(bytes, { outputs: [pooled] });
  assert.equal(backbone.nodes.some((n) => n.opType === 'Gemm'), false, 'the old classifier is cut off');
  const model = new ck.nn.Sequential(backbone, new ck.nn.Flatten(), new ck.nn.Linear(512, 3));
  const head = model.parameters().slice(-2);
  const before = head.map((p) => p.clone());
  const conv1 = backbone.parameters()[0];
  const conv1Before = conv1.clone();
  const labels = ck.tensor([0, 1, 2, 1], { dtype: 'int32' });
  const opt = new ck.optim.SGD(model.parameters(), { lr: 0.01 });
  const loss = new ck.nn.CrossEntropyLoss();
  const losses: number[] = [];
  model.train();
  for (let step = 0; step < 4; step++) {
    opt.zeroGrad();
    const l = loss.forward(model.forward(x) as ck.Tensor, labels);
    l.backward();
    opt.step();
    losses.push(l.item());
  }
  assert.ok(losses[3] < losses[0], `loss falls: ${losses.join(', ')}`);
  assert.notDeepEqual(head[0].dataSync(), before[0].dataSync(), 'the new head trains');
  assert.notDeepEqual(conv1.dataSync(), conv1Before.dataSync(), 'the imported weights train');
  const exported = await ck.onnx.toOnnx(model, x);
  const want = ck.noGrad(() => model.eval().forward(x) as ck.Tensor);
  assert.deepEqual(want.shape, [4, 3]);
  const [got] = await runOrt(exported, { input: x });
  assertNear(got, want, 1e-4, 'fine-tuned ResNet-18');
});

test('fromOnnx: unsupported operators, bad options and unknown outputs are refused with what was expected', async () => {
  const bytes = await ck.onnx.toOnnx(M.lenet5(), ck.randn([1, 1, 32, 32]));
  const m = await ck.onnx.decodeModel(bytes);
  const conv = m.graph.nodes.findIndex((n) => n.opType === 'Conv');
  m.graph.nodes[conv] = { ...m.graph.nodes[conv], opType: 'Einsum' };
  await assert.rejects(ck.onnx.fromOnnx(await ck.onnx.encodeModel(m)), /fromOnnx: unsupported operator\(s\) Einsum \(first at node '.*'\); convkit imports Abs, Add, AveragePool, BatchNormalization/);
  await assert.rejects(ck.onnx.fromOnnx(bytes, { outputs: ['nope'] }), /fromOnnx: output\(s\) nope are not values of the graph/);
  await assert.rejects(ck.onnx.fromOnnx(bytes, { output: ['x'] } as object), /fromOnnx: unknown option\(s\) output/);
  await assert.rejects(ck.onnx.fromOnnx([1, 2] as never), /fromOnnx: expected the model's bytes as a Uint8Array/);
  await assert.rejects(ck.onnx.fromOnnx(bytes.subarray(0, 100)), /protobuf: .*(truncated|claims)/);
  const imported = await ck.onnx.fromOnnx(bytes);
  assert.throws(() => imported.forward(), /OnnxModule: the graph takes 1 input\(s\) \(input\), got 0/);
});

test('ck.onnx reads and writes asynchronously: every error, a bad argument included, rejects the promise', async () => {
  // arguments are checked before the ONNX code loads, and still surface as rejections, never as a synchronous throw
  const bad = ck.onnx.fromOnnx(null as never, { outputs: [] });
  assert.ok(bad instanceof Promise);
  await assert.rejects(bad, /fromOnnx: expected the model's bytes as a Uint8Array, got null/);
  const bytes = await ck.onnx.toOnnx(M.lenet5(), ck.randn([1, 1, 32, 32]));
  await assert.rejects(ck.onnx.fromOnnx(bytes, { outputs: [] }), /fromOnnx: outputs must be a non-empty list of value names, got \[\]/);
  await assert.rejects(ck.onnx.fromOnnx(bytes, { externalData: 'dir' } as never), /fromOnnx: externalData must be a function/);
  await assert.rejects(ck.onnx.fromOnnx(bytes, null as never), /fromOnnx: expected an options object/);
  await assert.rejects(ck.onnx.decodeModel('model.onnx' as never), /decodeModel: expected the model's bytes as a Uint8Array, got string/);
  await assert.rejects(ck.onnx.decodeModel(bytes, {} as never), /decodeModel: external must be a function/);
  await assert.rejects(ck.onnx.encodeModel({ irVersion: 8 } as never), /encodeModel: expected a model object with a graph, got object/);
  // an extra argument from a plain-JavaScript caller is refused, not dropped
  await assert.rejects((ck.onnx.fromOnnx as (...a: unknown[]) => Promise<unknown>)(bytes, {}, 'extra'), /fromOnnx: takes at most 2 arguments \(bytes, options\), got 3/);
  await assert.rejects((ck.onnx.decodeModel as (...a: unknown[]) => Promise<unknown>)(bytes, undefined, 1), /decodeModel: takes at most 2 arguments \(bytes, external\), got 3/);
  await assert.rejects((ck.onnx.encodeModel as (...a: unknown[]) => Promise<unknown>)({ graph: {} }, 1), /encodeModel: takes at most 1 arguments \(model\), got 2/);
  await assert.rejects((ck.onnx.toOnnx as (...a: unknown[]) => Promise<unknown>)(M.lenet5(), ck.randn([1, 1, 32, 32]), {}, 13), /toOnnx: takes at most 3 arguments \(model, exampleInput, options\), got 4/);
  const model = await ck.onnx.decodeModel(bytes);
  assert.equal(model.graph.nodes[0].opType, 'Conv');
  assert.deepEqual(await ck.onnx.decodeModel(await ck.onnx.encodeModel(model)), model);
  assert.equal(ck.onnx.DataType.FLOAT, 1);
});

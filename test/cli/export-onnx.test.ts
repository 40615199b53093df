/** convkit export --format onnx, and eval/predict taking the .onnx where they take weights. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as ck from '../../src/node.js';
import { main } from '../../src/cli/main.js';

async function run(...argv: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const status = await main(argv, { stdout: { write: (s) => void (out += s) }, stderr: { write: (s) => void (err += s) } });
  return { status, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'ck-onnx-cli-'));
const runDir = join(dir, 'run');

test('export a trained run as ONNX; eval and predict give the same results from the .onnx as from the weights', async () => {
  const t = await run('train', '--epochs', '1', '--train-size', '500', '--test-size', '200', '--batch-size', '50', '--out', runDir);
  assert.equal(t.status, 0, t.err);
  const onnx = join(dir, 'lenet5.onnx');
  const e = await run('export', '--weights', join(runDir, 'model.safetensors'), '--format', 'onnx', '--out', onnx);
  assert.equal(e.status, 0, e.err);
  assert.match(e.out, /wrote .*lenet5\.onnx: lenet5 with .*model\.safetensors, ONNX opset 17, input \[batch, 1, 32, 32\]/);
  const fromWeights = await run('eval', '--weights', join(runDir, 'model.safetensors'));
  const fromOnnx = await run('eval', '--weights', onnx, '--data', 'fashion-mnist-mini');
  assert.equal(fromOnnx.status, 0, fromOnnx.err);
  const figures = (s: string): string => s.replace(/^.*? on /, '').replace(/, [\d.]+ s$/m, '');
  assert.equal(figures(fromOnnx.out), figures(fromWeights.out));
  const png = join(dir, 'item.png');
  const test0 = ck.data.loadFashionMNIST({ root: ck.data.BUILTIN_FASHION_MNIST, train: false });
  writeFileSync(png, ck.data.encodePng(test0.getItem(0)[0]));
  const p1 = await run('predict', '--weights', join(runDir, 'model.safetensors'), png);
  const p2 = await run('predict', '--weights', onnx, '--data', 'fashion-mnist-mini', png);
  assert.equal(p2.status, 0, p2.err);
  assert.equal(p2.out, p1.out);
});

test('export a zoo model with initial weights; flags are checked', async () => {
  const out = join(dir, 'resnet18.onnx');
  const r = await run('export', '--model', 'resnet18', '--num-classes', '10', '--input-size', '64', '--opset', '13', '--out', out);
  assert.equal(r.status, 0, r.err);
  const m = await ck.onnx.loadOnnx(out);
  assert.equal(m.opset, 13);
  assert.deepEqual(m.inputDims, [['batch', 3, 64, 64]]);
  assert.equal((ck.noGrad(() => m.eval().forward(ck.randn([2, 3, 64, 64]))) as ck.Tensor).shape[1], 10);
  // external data is always read beside the file: a reader of the caller's would be overwritten, so it is refused
  await assert.rejects(ck.onnx.loadOnnx(out, { externalData: () => new Uint8Array(0) } as never), /loadOnnx: expected an options object without externalData .*, got one with externalData/);
  await assert.rejects(ck.onnx.loadOnnx(out, 5 as never), /loadOnnx: expected an options object without externalData .*, got number/);
  await assert.rejects((ck.onnx.loadOnnx as (...a: unknown[]) => Promise<unknown>)(out, {}, 'x'), /loadOnnx: takes at most 2 arguments \(path, options\), got 3/);
  assert.match((await run('export', '--model', 'resnet18', '--out', out, '--opset', '12')).err, /--opset must be one of 13, 14, 15, 16, 17, got '12'/);
  assert.match((await run('export', '--out', out)).err, /say which model with --model/);
  assert.match((await run('export', '--model', 'lenet5')).err, /--out is required/);
  assert.match((await run('export', '--model', 'lenet5', '--out', out, '--format', 'tflite')).err, /tflite/);
});

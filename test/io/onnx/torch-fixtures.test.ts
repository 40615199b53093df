/**
 * ONNX files exported by torch.onnx.export from torchvision (tools/gen_onnx_fixtures.py) load and give
 * PyTorch's logits. Their weights are regenerated here by the script's formula (see the script's docstring:
 * committing them would take 0.1-0.5 GB per model).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import * as ck from '../../../src/index.js';
import type { ExternalRef } from '../../../src/io/onnx/index.js';
import { assertNear } from './ort.js';

const DIR = new URL('../../fixtures/onnx/', import.meta.url);
interface Case { file: string; model: string; mode: string; opset: number; input: number[]; ops: string[]; output: { shape: number[]; data: number[] } }
const FIXTURE = JSON.parse(readFileSync(new URL('torchvision.json', DIR), 'utf8')) as { cases: Case[] };

const seedOf = (key: string): number => [...key].reduce((s, c, j) => s + (j + 1) * c.charCodeAt(0), 0) % 1000003;

/** tools/gen_onnx_fixtures.py's formula: float64 math, one rounding to float32. */
function formula(kind: string, key: string, dims: number[]): Float32Array {
  const n = dims.reduce((a, b) => a * b, 1);
  const seed = seedOf(key);
  const scale = kind === 'weight' ? Math.sqrt(6 / (n / dims[0])) : 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = ((i * 7919 + seed) % 2003) / 1001 - 1;
    out[i] = kind === 'weight' ? u * scale : kind === 'bias' ? u * 0.1 : kind === 'bn_weight' ? 1 + 0.1 * u : kind === 'bn_var' ? 1.25 + 0.25 * u : 0.1 * u;
  }
  return out;
}

function regenerate(ref: ExternalRef): Uint8Array {
  if (ref.location === 'zeros') return new Uint8Array(ref.length!);
  const [, kind, key] = /^formula:([a-z_]+):(.+)$/.exec(ref.location)!;
  return new Uint8Array(formula(kind, key, ref.dims).buffer);
}

function input(shape: number[]): ck.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return ck.tensor(Float32Array.from({ length: n }, (_, i) => ((i * 31 + 7) % 200) / 100 - 1), { shape });
}

for (const c of FIXTURE.cases) {
  test(`fromOnnx: torch.onnx.export of ${c.model} (${c.mode}, opset ${c.opset}: ${c.ops.join(', ')}) gives PyTorch's logits`, async () => {
    const model = await ck.onnx.fromOnnx(readFileSync(new URL(c.file, DIR)), { externalData: regenerate });
    assert.equal(model.opset, c.opset);
    model.train(c.mode === 'train');
    // batch statistics over few values are ill-conditioned: PyTorch's float32 logits are themselves ~3e-5 off
    // (relative) there, so the training-mode graph runs in float64 to measure the semantics, not two roundings
    if (c.mode === 'train') model.double();
    const x = c.mode === 'train' ? ck.to(input(c.input), 'float64') : input(c.input);
    const got = ck.to(ck.noGrad(() => model.forward(x) as ck.Tensor), 'float32');
    assertNear(got, ck.tensor(c.output.data, { shape: c.output.shape }), 1e-4, c.file);
  });
}

test('fromOnnx: the Shape/Gather/Unsqueeze/Concat chain of x.view(x.size(0), -1) follows the batch', async () => {
  const c = FIXTURE.cases.find((k) => k.model === 'view_flatten')!;
  const model = (await ck.onnx.fromOnnx(readFileSync(new URL(c.file, DIR)), { externalData: regenerate })).eval();
  assert.deepEqual((ck.noGrad(() => model.forward(input([7, ...c.input.slice(1)]))) as ck.Tensor).shape, [7, 5]);
  await assert.rejects(ck.onnx.fromOnnx(readFileSync(new URL(c.file, DIR))), /onnx: tensor 'conv.weight' is stored in external file 'formula:weight:conv.weight'; pass \{ externalData \} to read it/);
});

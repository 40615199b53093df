/**
 * Writes convkit's ONNX exports of the zoo (as test/io/onnx/export-zoo.test.ts makes them: same seed, same
 * inputs) and of LeNet-5 at every opset to a folder, with a manifest, for tools/check_onnx_exports.py.
 * Usage: node --import tsx tools/export_onnx_samples.ts OUTDIR
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ck from '../src/index.js';
import { signature } from '../test/io/onnx/checker.js';
import { OPSET_CASES } from '../test/io/onnx/opset-cases.js';
import { ZOO_CASES } from '../test/io/onnx/zoo-cases.js';

const out = process.argv[2];
if (!out) throw new Error('usage: export_onnx_samples.ts OUTDIR');
mkdirSync(out, { recursive: true });
const manifest: { name: string; opset: number; file: string; signature: string }[] = [];
const cases = [...ZOO_CASES.map(([name, make, shape]) => [name, make, shape, 17] as const), ...OPSET_CASES];
for (const [i, [name, make, shape, opset]] of cases.entries()) {
  ck.manualSeed(1);
  const model = make();
  const bytes = await ck.onnx.toOnnx(model, ck.randn(shape), { opset });
  const file = `${i}.onnx`;
  writeFileSync(join(out, file), bytes);
  manifest.push({ name, opset, file, signature: signature(bytes) });
  console.log(`${name} (opset ${opset}): ${bytes.length} bytes`);
}
writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 1));

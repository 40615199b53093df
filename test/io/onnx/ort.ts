/** Runs ONNX bytes in onnxruntime-node (a dev dependency whose CPU engine ships in the package). */
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import * as ck from '../../../src/index.js';

/** The graph's outputs for one input each, in the graph's output order. */
export async function runOrt(bytes: Uint8Array, inputs: Record<string, ck.Tensor>): Promise<ck.Tensor[]> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const feeds = Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, new ort.Tensor('float32', Float32Array.from(t.dataSync() as Float32Array), t.shape)]));
  const result = await session.run(feeds);
  const out = session.outputNames.map((n) => ck.tensor(result[n].data as Float32Array, { shape: result[n].dims as number[] }));
  await session.release();
  return out;
}

/** Same shape, and every value within `rtol` of the largest magnitude of `expected` (logits near zero have no meaningful relative error). */
export function assertNear(actual: ck.Tensor, expected: ck.Tensor, rtol: number, what: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const a = actual.dataSync();
  const e = expected.dataSync();
  let scale = 0;
  for (const v of e) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < e.length; i++) worst = Math.max(worst, Math.abs(a[i] - e[i]));
  assert.ok(worst <= rtol * scale, `${what}: largest difference ${worst} exceeds ${rtol} × ${scale}`);
}

/**
 * The verdict of onnx.checker.check_model(full_check=True) (Debian's python3-onnx) over convkit's exports,
 * committed by tools/check_onnx_exports.py. Each file is identified by a signature of its graph's structure
 * (ops, attributes, wiring, initializer shapes and types, inputs, outputs, opset), with values renamed in order
 * of use and without the weights' values, so a change to what the exporter writes shows up here until the
 * checker is run again, while renumbered constants or node names do not.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { decodeModel } from '../../../src/io/onnx/proto.js';

export const VERDICT = new URL('../../fixtures/onnx/checker.json', import.meta.url);

export interface Verdict { name: string; opset: number; signature: string; ok: boolean; error: string | null }

export function signature(bytes: Uint8Array): string {
  const m = decodeModel(bytes);
  const names = new Map<string, string>();
  const canonical = (n: string): string => {
    if (n === '') return n;
    if (!names.has(n)) names.set(n, `v${names.size}`);
    return names.get(n)!;
  };
  m.graph.inputs.forEach((v) => canonical(v.name));
  const nodes = m.graph.nodes.map((n) => ({ op: n.opType, domain: n.domain, attrs: n.attrs, inputs: n.inputs.map(canonical), outputs: n.outputs.map(canonical) }));
  const initializers = m.graph.initializers.map((t) => [canonical(t.name), t.dims, t.dataType]).sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  const graph = { ir: m.irVersion, opset: m.opsetImport, inputs: m.graph.inputs, outputs: m.graph.outputs, nodes, initializers };
  return createHash('sha256').update(JSON.stringify(graph)).digest('hex').slice(0, 16);
}

/** Asserts the checker passed this exact graph. */
export function checked(name: string, opset: number, sig: string): void {
  assert.ok(existsSync(VERDICT), 'test/fixtures/onnx/checker.json is missing: run /usr/bin/python3 tools/check_onnx_exports.py');
  const results = (JSON.parse(readFileSync(VERDICT, 'utf8')) as { results: Verdict[] }).results;
  const v = results.find((r) => r.name === name && r.opset === opset);
  assert.ok(v, `${name} (opset ${opset}) is not in the checker's verdict: run /usr/bin/python3 tools/check_onnx_exports.py`);
  assert.equal(v.signature, sig, `${name} (opset ${opset}): the exporter now writes another graph than the checker saw: run /usr/bin/python3 tools/check_onnx_exports.py`);
  assert.equal(v.error, null, `onnx.checker rejected ${name} (opset ${opset})`);
  assert.equal(v.ok, true);
}

/** Selecting the wasm backend, its thread controls, and how it adapts to what the runtime offers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as ck from '../../../src/index.js';
import { findBackend } from '../../../src/backends/registry.js';
import type { WasmBackend } from '../../../src/backends/wasm/index.js';

const entry = JSON.stringify(new URL('../../../src/index.ts', import.meta.url).href);
const registry = JSON.stringify(new URL('../../../src/backends/registry.ts', import.meta.url).href);

/**
 * Runs an ES module snippet in a fresh Node (with `flags`): `setup` runs first, then convkit is imported as `ck`
 * and the wasm backend bound to `wasm`; returns what the snippet printed.
 */
function runNode(flags: string[], setup: string, body: string): string {
  const script = `${setup}\nconst ck = await import(${entry});\nconst wasm = (await import(${registry})).findBackend('wasm');\n${body}`;
  return execFileSync(process.execPath, [...flags, '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 }).trim();
}

test('the CPU backends are registered and selectable (native and webgpu on request)', () => {
  const before = ck.getBackend();
  assert.deepEqual(ck.backendNames().sort(), ['native', 'reference', 'wasm', 'webgpu']);
  for (const name of ['reference', 'wasm']) {
    ck.setBackend(name);
    assert.equal(ck.getBackend(), name);
  }
  ck.setBackend(before);
});

test('setNumThreads takes positive integers and getNumThreads reports them', () => {
  const before = ck.getNumThreads();
  assert.ok(Number.isInteger(before) && before >= 1);
  assert.throws(() => ck.setNumThreads(0), /setNumThreads: expected a positive integer, got 0/);
  assert.throws(() => ck.setNumThreads(1.5), /setNumThreads: expected a positive integer, got 1.5/);
  ck.setNumThreads(3);
  assert.equal(ck.getNumThreads(), 3);
  ck.setNumThreads(before);
});

test('ready() starts the worker threads so large kernels use them at once', async () => {
  const before = ck.getNumThreads();
  ck.setNumThreads(2);
  try {
    await ck.ready();
    const wasm = findBackend('wasm') as WasmBackend;
    assert.equal(wasm.features.threads, true, 'Node has SharedArrayBuffer');
    assert.equal(wasm.activeThreads(), 2);
  } finally {
    ck.setNumThreads(before);
  }
});

test('wasm is the default after a plain import; without SharedArrayBuffer (a browser page without cross-origin isolation) it runs on one thread', () => {
  const out = runNode([], 'delete globalThis.SharedArrayBuffer;', `
    const a = ck.randn([150, 90]), b = ck.randn([90, 110]);
    const diff = ck.amax(ck.abs(ck.sub(ck.matmul(a, b), ck.matmul(a.to('reference'), b.to('reference')).to('wasm')))).item();
    console.log(JSON.stringify({ backend: ck.getBackend(), threads: wasm.features.threads, active: wasm.activeThreads(), diff }));
  `);
  const r = JSON.parse(out);
  assert.equal(r.backend, 'wasm');
  assert.equal(r.threads, false);
  assert.equal(r.active, 1);
  assert.ok(r.diff < 1e-4, `wasm vs reference differ by ${r.diff}`);
});

test('relaxed SIMD (fused multiply-add) is used where the runtime validates it, and worker threads never keep Node alive', () => {
  const out = runNode(['--experimental-wasm-relaxed-simd'], '', `
    ck.setNumThreads(2);
    await ck.ready();
    const a = ck.randn([200, 150]), b = ck.randn([150, 160]);
    const diff = ck.amax(ck.abs(ck.sub(ck.matmul(a, b), ck.matmul(a.to('reference'), b.to('reference')).to('wasm')))).item();
    console.log(JSON.stringify({ backend: ck.getBackend(), relaxed: wasm.features.relaxedSimd, active: wasm.activeThreads(), diff }));
  `);
  const r = JSON.parse(out); // reaching here means the process exited by itself with its workers still waiting
  assert.equal(r.backend, 'wasm');
  assert.equal(r.relaxed, true);
  assert.equal(r.active, 2);
  assert.ok(r.diff < 1e-4, `wasm vs reference differ by ${r.diff}`);
});

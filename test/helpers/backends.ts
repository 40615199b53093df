/**
 * The backends a suite runs on: every registered one that initialises here. Optional backends (native, GPU) that
 * cannot start on this machine are left out with one line saying why; their own tests fail in CI when that happens.
 */
import * as ck from '../../src/index.js';

const reported = new Set<string>();
/** Devices without synchronous reads have their own suites (test/conformance/on-webgpu.test.ts, test/backends/webgpu/). */
const OWN_SUITE = new Set(['webgpu']);

export async function readyBackends(): Promise<string[]> {
  const names: string[] = [];
  for (const name of ck.backendNames()) {
    if (OWN_SUITE.has(name)) continue;
    try {
      await ck.ready(name);
      names.push(name);
    } catch (e) {
      if (!reported.has(name)) console.log(`# backend '${name}' not tested here: ${(e as Error).message}`);
      reported.add(name);
    }
  }
  return names;
}

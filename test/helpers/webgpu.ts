/**
 * Starting the webgpu backend in tests. Without a GPU, SwiftShader (the software Vulkan inside Debian's chromium
 * package) is the adapter; where neither is present the WebGPU tests are skipped with a message that says so and
 * how to enable them, never a silent pass.
 */
import { existsSync } from 'node:fs';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import type { TensorSpec } from './index.js';

export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
export const ENABLE_HINT = 'apt-get install -y chromium (SwiftShader) and npm ci (the optional npm package webgpu)';

/** Starts webgpu and makes it current; returns null on success or why the WebGPU tests cannot run here. */
export async function startWebgpu(file: string): Promise<string | null> {
  // CONVKIT_WEBGPU_NATIVE=1 keeps the machine's own Vulkan driver (a real GPU) instead of SwiftShader
  if (!process.env.VK_ICD_FILENAMES && !process.env.CONVKIT_WEBGPU_NATIVE && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  try {
    await ck.ready('webgpu');
    ck.setBackend('webgpu');
    return null;
  } catch (e) {
    const reason = `WebGPU tests in ${file} NOT RUN: ${(e as Error).message}. To run them: ${ENABLE_HINT}`;
    process.stderr.write(`\n*** ${reason}\n\n`);
    return reason;
  }
}

/** torch.allclose on values read back asynchronously (NaN matches NaN); the message names the worst element. */
export async function assertCloseGpu(actual: ck.Tensor, expected: ArrayLike<number> | TensorSpec, opts: { rtol?: number; atol?: number; shape?: readonly number[] } = {}, what = 'tensor'): Promise<void> {
  const { rtol = 1e-5, atol = 1e-6 } = opts;
  const spec = 'data' in expected && 'shape' in expected ? expected as TensorSpec : null;
  const e = spec ? spec.data.map((v) => (typeof v === 'string' ? Number(v) : v)) : Array.from(expected as ArrayLike<number>);
  if (spec) assert.deepEqual(actual.shape, spec.shape, `${what}: shape ${JSON.stringify(actual.shape)} vs expected ${JSON.stringify(spec.shape)}`);
  if (opts.shape) assert.deepEqual(actual.shape, [...opts.shape], `${what}: shape`);
  const a = await actual.data();
  assert.equal(a.length, e.length, `${what}: ${a.length} elements, expected ${e.length}`);
  let worst = -1;
  let worstErr = 0;
  for (let i = 0; i < e.length; i++) {
    if ((Number.isNaN(e[i]) && Number.isNaN(a[i])) || e[i] === a[i]) continue;
    const err = Math.abs(a[i] - e[i]) - (atol + rtol * Math.abs(e[i]));
    if (!(err <= 0) && (worst < 0 || !(err <= worstErr))) {
      worst = i;
      worstErr = err;
    }
  }
  if (worst >= 0) assert.fail(`${what}: element ${worst} is ${a[worst]}, expected ${e[worst]} (rtol ${rtol}, atol ${atol})`);
}

/** Deterministic values in [lo, hi) (a small LCG), so both backends see the same inputs. */
export function values(n: number, seed = 1, lo = -2, hi = 2): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return lo + ((s >>> 8) / 2 ** 24) * (hi - lo);
  });
}

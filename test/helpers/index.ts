/** Shared test helpers: fixture loading (golden values written by tools/*.py with PyTorch) and tolerant comparison. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** A tensor as stored in fixtures: flat row-major values with shape and dtype. */
export interface TensorSpec {
  shape: number[];
  dtype: ck.DType;
  data: number[];
}

export function loadFixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(`${FIXTURES}${name}.json`, 'utf8')) as T;
}

export function fromSpec(spec: TensorSpec, opts: { requiresGrad?: boolean; dtype?: ck.DType; device?: string } = {}): ck.Tensor {
  // NaN/Infinity cannot be written in JSON; the generators write them as strings
  const values = spec.data.map((v) => (typeof v === 'string' ? Number(v) : v));
  return ck.tensor(values, { shape: spec.shape, dtype: opts.dtype ?? spec.dtype, requiresGrad: opts.requiresGrad, device: opts.device });
}

export interface CloseOptions {
  rtol?: number;
  atol?: number;
}

/** |a - e| <= atol + rtol·|e| elementwise (torch.allclose), NaN matching NaN; the message names the worst element. */
export function assertClose(actual: ck.Tensor, expected: ck.Tensor | TensorSpec, opts: CloseOptions = {}, what = 'tensor'): void {
  const { rtol = 1e-5, atol = 1e-6 } = opts;
  const exp = expected instanceof ck.Tensor ? expected : fromSpec(expected);
  assert.deepEqual(actual.shape, exp.shape, `${what}: shape ${JSON.stringify(actual.shape)} vs expected ${JSON.stringify(exp.shape)}`);
  const a = actual.dataSync();
  const e = exp.to(hostDevice()).dataSync();
  let worst = -1;
  let worstErr = 0;
  for (let i = 0; i < e.length; i++) {
    if (Number.isNaN(e[i]) && Number.isNaN(a[i])) continue;
    if (e[i] === a[i]) continue;
    const err = Math.abs(a[i] - e[i]) - (atol + rtol * Math.abs(e[i]));
    if (!(err <= 0) && (worst < 0 || !(err <= worstErr))) {
      worst = i;
      worstErr = err;
    }
  }
  if (worst >= 0) assert.fail(`${what}: element ${worst} is ${a[worst]}, expected ${e[worst]} (rtol ${rtol}, atol ${atol})`);
}

/** assertClose through `await t.data()`: works on every device, the ones without synchronous reads included. */
export async function assertCloseAsync(actual: ck.Tensor, expected: TensorSpec, opts: CloseOptions = {}, what = 'tensor'): Promise<void> {
  const host = ck.tensor(await actual.data(), { shape: actual.shape, dtype: actual.dtype, device: hostDevice() });
  assertClose(host, expected, opts, what);
}

/** A CPU device of this process (the suite may run with the strict device current). */
export function hostDevice(): string {
  return ck.backendNames().includes('wasm') ? 'wasm' : 'reference';
}

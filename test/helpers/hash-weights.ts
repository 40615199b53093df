/**
 * Deterministic "random" weights that PyTorch and convkit both build exactly, so that numeric-parity fixtures
 * need no weights file: element i of state-dict entry `key` is murmur3's finaliser of (i * 0x9E3779B1 +
 * fnv1a(key)) mod 2^32, scaled to an interval chosen by the entry's role. Mirrors hash_uniform, hash_range and
 * fill_hash_weights in tools/gen_model_fixtures.py; every step is exact 32-bit integer or correctly rounded
 * float arithmetic, so both sides produce bit-identical float32 values.
 */
import * as ck from '../../src/index.js';
import type { Module } from '../../src/nn/module.js';

function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(s)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h;
}

function hashUniform(key: string, n: number): Float64Array {
  const seed = fnv1a(key);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let h = (Math.imul(i, 0x9e3779b1) + seed) >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b) >>> 0;
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h ^= h >>> 16;
    out[i] = (h >>> 0) / 2 ** 32; // ^= leaves a signed 32-bit value
  }
  return out;
}

/** LeCun-uniform weights, BatchNorm near the identity, small biases and means. */
function hashRange(key: string, shape: readonly number[]): [number, number] {
  const leaf = key.slice(key.lastIndexOf('.') + 1);
  if (leaf === 'running_var' || (leaf === 'weight' && shape.length === 1)) return [0.5, 1.5];
  if (leaf === 'running_mean' || leaf === 'bias') return [-0.1, 0.1];
  const numel = shape.reduce((a, b) => a * b, 1);
  const bound = Math.sqrt(3 / (numel / shape[0]));
  return [-bound, bound];
}

export function hashValues(key: string, shape: readonly number[]): ck.Tensor {
  const [lo, hi] = hashRange(key, shape);
  const u = hashUniform(key, shape.reduce((a, b) => a * b, 1));
  const data = new Float32Array(u.length);
  for (let i = 0; i < u.length; i++) data[i] = lo + (hi - lo) * u[i];
  return ck.tensor(data, { shape });
}

/** The fixtures' input: U(lo, hi) (default U(-1, 1)) from the key (default 'input'). */
export function hashInput(shape: readonly number[], key = 'input', lo = -1, hi = 1): ck.Tensor {
  const u = hashUniform(key, shape.reduce((a, b) => a * b, 1));
  const data = new Float32Array(u.length);
  for (let i = 0; i < u.length; i++) data[i] = lo + (hi - lo) * u[i];
  return ck.tensor(data, { shape });
}

export function fillHashWeights<M extends Module>(model: M): M {
  ck.noGrad(() => {
    for (const [key, t] of Object.entries(model.stateDict())) {
      if (t.dtype === 'float32' || t.dtype === 'float64') t.copy_(hashValues(key, t.shape));
    }
  });
  return model;
}

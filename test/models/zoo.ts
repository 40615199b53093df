/** Shared by the model tests: building a fixture's model, and comparing logits and state-dict layouts. */
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import type { Module } from '../../src/nn/module.js';
import { assertClose, type TensorSpec } from '../helpers/index.js';

/** A fixture's convkit call: `{ call: 'resnet50', args: [{ strideOn: '1x1' }] }` is ck.models.resnet50({ strideOn: '1x1' }). */
export interface Call {
  call: string;
  args: unknown[];
}

export function build(c: Call): Module {
  const builder = (ck.models as unknown as Record<string, (...a: unknown[]) => Module>)[c.call];
  assert.equal(typeof builder, 'function', `ck.models.${c.call} exists`);
  return builder(...c.args);
}

export const describeCall = (c: Call): string => `${c.call}(${c.args.map((a) => JSON.stringify(a)).join(', ')})`;

/** The state dict as [key, shape] pairs, in order. */
export const keyList = (m: Module): [string, number[]][] => Object.entries(m.stateDict()).map(([k, t]) => [k, t.shape]);

export function countParams(m: Module): { params: number; trainable: number; bufferElements: number } {
  const params = m.parameters();
  const sum = (ts: ck.Tensor[]): number => ts.reduce((n, t) => n + t.numel(), 0);
  return {
    params: sum(params),
    trainable: sum(params.filter((p) => p.requiresGrad)),
    bufferElements: sum(m.buffers().filter((b) => b.dtype === 'float32' || b.dtype === 'float64')),
  };
}

/**
 * Logits against PyTorch's in float32: 1e-4 relative, plus 1e-5 of the largest logit absolute (deep nets
 * accumulate rounding differently from PyTorch's kernels; a logit near zero has no meaningful relative error).
 */
export function assertLogits(actual: ck.Tensor, expected: TensorSpec, what: string): void {
  const scale = Math.max(...expected.data.map((v) => Math.abs(v)));
  assertClose(actual, expected, { rtol: 1e-4, atol: 1e-5 * scale }, what);
}

const built = new Map<string, Module>();

/**
 * One instance per call within a test file: building the large models dominates the test time (their
 * initialisers run over tens of millions of weights), so the key, count, parity and summary tests share them.
 * Tests that change a model (weights, last layer) build their own.
 */
export function shared(c: Call): Module {
  const key = describeCall(c);
  if (!built.has(key)) built.set(key, build(c));
  return built.get(key)!;
}


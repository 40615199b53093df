/**
 * The conformance suite: `conformance(device)` runs every golden case from PyTorch (test/fixtures/conformance/,
 * written by tools/gen_conformance.py) on one device: core ops, convolution/pooling/padding/fold/LRN, nn layers,
 * losses, optimiser steps and short training trajectories, forward and gradient. Results are read only with
 * `await t.data()`, so it runs unchanged on a device without synchronous reads. A device that declares it
 * lacks a dtype (`Backend.dtypes`) must refuse that dtype's cases with a clear "not supported on <device>" error.
 * A new backend is done when `conformance('<its name>')` passes.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { backendOf } from '../../src/backends/registry.js';
import { FAMILIES, loadCases, usesFloat64, type ConformanceCase, type Family } from './format.js';
import { runCoreCase, runFunctionalCase } from './run-ops.js';
import { runLayerCase, runOptimizerCase, runTrainingCase } from './run-modules.js';

export interface ConformanceOptions {
  /** Cases known to fail on this device, by name, with the reason. Each must fail: one that passes fails the suite. */
  expectedFailures?: Record<string, string>;
}

type Runner = (c: ConformanceCase, device: string) => Promise<void>;
const RUNNERS: [prefix: string, run: Runner][] = [
  ['F.', runFunctionalCase], ['nn.', runLayerCase], ['optim.', runOptimizerCase], ['train.', runTrainingCase],
];

export function runCase(c: ConformanceCase, device: string): Promise<void> {
  const run = RUNNERS.find(([prefix]) => c.op.startsWith(prefix))?.[1] ?? runCoreCase;
  return run(c, device);
}

/** null when the case behaves as it must on `device`, else what went wrong. */
async function verdict(c: ConformanceCase, device: string, lacksFloat64: boolean): Promise<string | null> {
  if (lacksFloat64 && usesFloat64(c)) {
    try {
      await runCase(c, device);
      return `${c.name}: computed a float64 case, expected "float64 is not supported on ${device}"`;
    } catch (e) {
      const message = (e as Error).message;
      return message.includes(`float64 is not supported on ${device}`) ? null : `${c.name}: expected "float64 is not supported on ${device}", got: ${message}`;
    }
  }
  try {
    await runCase(c, device);
    return null;
  } catch (e) {
    const message = (e as Error).message;
    return message.startsWith(c.name) ? message : `${c.name}: ${message}`;
  }
}

/** What is wrong with running `cases` on `device`: unexpected failures, and expected failures that pass. */
export async function problems(cases: ConformanceCase[], device: string, expected: Record<string, string> = {}): Promise<string[]> {
  const lacksFloat64 = !(backendOf(device).dtypes?.includes('float64') ?? true);
  const found: string[] = [];
  for (const c of cases) {
    const failure = await verdict(c, device, lacksFloat64);
    const reason = expected[c.name];
    if (reason === undefined && failure) found.push(failure);
    if (reason !== undefined && !failure) found.push(`${c.name}: passes on ${device} now; remove it from the expected failures ("${reason}")`);
  }
  return found;
}

async function runFamily(family: Family, cases: ConformanceCase[], device: string, expected: Record<string, string>): Promise<void> {
  const found = await problems(cases, device, expected);
  assert.equal(found.length, 0, `${family} on ${device}: ${found.length} of ${cases.length} cases failed:\n${found.join('\n')}`);
}

/** Every fixture case on `device`; the current backend is left as it is, so an op must follow its inputs' device. */
export function conformance(device: string, opts: ConformanceOptions = {}): void {
  const expected = opts.expectedFailures ?? {};
  describe(`conformance on ${device}`, () => {
    const all = FAMILIES.map((family) => [family, loadCases(family)] as const);
    const names = new Set(all.flatMap(([, cases]) => cases.map((c) => c.name)));
    test('every expected failure names a fixture case', () => {
      assert.deepEqual(Object.keys(expected).filter((n) => !names.has(n)), []);
    });
    for (const [family, cases] of all) {
      test(`${family}: ${cases.length} cases`, () => runFamily(family, cases, device, expected));
    }
  });
}

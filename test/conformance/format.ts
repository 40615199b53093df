/**
 * The conformance fixture format (written by tools/gen_conformance.py, documented there and in
 * docs/architecture.md): one record shape for every case, read by `conformance(device)`.
 */
import * as ck from '../../src/index.js';
import { fromSpec, loadFixture, type TensorSpec } from '../helpers/index.js';

export interface Tolerance {
  rtol: number;
  atol: number;
}

export interface ConformanceCase {
  name: string;
  /** A core op ('add'), 'F.<fn>', 'nn.<Module>', 'optim.<Optimizer>' or 'train.sequential'. */
  op: string;
  inputs: (TensorSpec | null)[];
  /** Everything that is not a tensor; `{ input: k }` inside stands for inputs[k]. */
  attributes: Record<string, unknown>;
  outputs: TensorSpec[];
  /** gradOutputs[i] seeds the backward pass from outputs[i]; gradients[i] is then inputs[i]'s gradient. */
  gradOutputs?: (TensorSpec | null)[];
  gradients?: (TensorSpec | null)[];
  tolerance: Tolerance;
  gradientTolerance?: Tolerance;
  /** 't': the op sees a transposed (non-contiguous) view of that input. */
  layouts?: (string | null)[];
  /** false where the inputs sit on a discontinuity, so a finite-difference gradcheck is meaningless. */
  finiteDifferences?: boolean;
}

/** The fixture families in the order the suite runs them (test/fixtures/conformance/<family>.json). */
export const FAMILIES = ['core', 'conv', 'layers', 'losses', 'optim', 'training'] as const;
export type Family = (typeof FAMILIES)[number];

export function loadCases(family: Family): ConformanceCase[] {
  return loadFixture<{ cases: ConformanceCase[] }>(`conformance/${family}`).cases;
}

export const usesFloat64 = (c: ConformanceCase): boolean =>
  [...c.inputs, ...c.outputs].some((s) => s?.dtype === 'float64');

/** Which inputs the attributes refer to as `{ input: k }`: those are passed inside options, not positionally. */
export function referencedInputs(value: unknown, found = new Set<number>()): Set<number> {
  if (Array.isArray(value)) value.forEach((v) => referencedInputs(v, found));
  else if (isInputRef(value)) found.add(value.input);
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => referencedInputs(v, found));
  return found;
}

/** The attributes with each `{ input: k }` replaced by the tensor inputs[k]. */
export function resolve(value: unknown, inputs: (ck.Tensor | null)[]): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(v, inputs));
  if (isInputRef(value)) return inputs[value.input];
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, inputs)]));
  return value;
}

function isInputRef(v: unknown): v is { input: number } {
  return !!v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { input?: unknown }).input === 'number';
}

/** A fixture tensor on `device` (null stays null). */
export function onDevice(s: TensorSpec | null, device: string, requiresGrad = false): ck.Tensor | null {
  return s ? fromSpec(s, { device, requiresGrad: requiresGrad && (s.dtype === 'float32' || s.dtype === 'float64') }) : null;
}

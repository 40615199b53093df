/**
 * The strict test backend: host memory like the reference backend, but it keeps every rule a GPU imposes.
 * It refuses synchronous reads (dataSync, item, toArray throw), so a library path that reads a tensor
 * synchronously fails on it; and it has only the required kernels, so every optional fast path runs its
 * default written with ops; and its memory is counted (memoryStats) and released by scopes like a GPU's, so
 * a tensor used after a scope freed it fails here too. The conformance suite, training, summaries and saving
 * run on it.
 * Not registered by default: tests call registerStrictBackend().
 */
import { REQUIRED_KERNELS, type RequiredKernels } from './backend.js';
import { hostBackend, referenceKernels } from './reference/index.js';
import { backendNames, registerBackend } from './registry.js';

export function strictKernels(): RequiredKernels {
  return Object.fromEntries(REQUIRED_KERNELS.map((name) => [name, referenceKernels[name]])) as unknown as RequiredKernels;
}

/** Registers the 'strict' device (idempotent). */
export function registerStrictBackend(): void {
  if (backendNames().includes('strict')) return;
  // a releaser makes its memory counted and freed deterministically like a GPU's (the collector frees the array)
  registerBackend({ ...hostBackend('strict', strictKernels(), false), releaser: () => () => {} });
}

/**
 * A version counter per storage, bumped by every in-place write (copy_ and the ops built on it, scaleAdd_,
 * gradcheck's probes), as PyTorch's `t._version`. Backends key caches of derived forms of a tensor (oneDNN's
 * reordered weights, packed GEMM panels) on (storage, version), so an optimiser step invalidates them and a
 * forward pass between two steps reuses them.
 */
import type { Storage } from '../backends/backend.js';

const versions = new WeakMap<Storage, number>();

/** How many in-place writes the storage has seen (0 for a fresh one). */
export function storageVersion(storage: Storage): number {
  return versions.get(storage) ?? 0;
}

/** Records an in-place write into the storage: every cache keyed on its previous version goes stale. */
export function bumpVersion(storage: Storage): void {
  versions.set(storage, (versions.get(storage) ?? 0) + 1);
}

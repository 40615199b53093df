/**
 * Weights resident in WebAssembly memory: a conv or linear weight is copied in (or transformed, e.g. Winograd's
 * U = G g Gᵀ) once per version of its storage and reused by every call until an in-place write (an optimiser
 * step, copy_, loadStateDict) moves the version on, as PyTorch's `t._version`. So an inference pass reads
 * ResNet-18's 45 MB of weights from where they already are, and a training step copies each weight once for
 * its forward and input-gradient convolutions. Entries are keyed on (storage, version, view, form); their blocks
 * return to the runtime's free lists when the storage is collected, or are rewritten in place for a new version.
 */
import { storageVersion } from '../../core/version.js';
import type { Storage, View } from '../backend.js';
import type { WasmRuntime } from './runtime.js';

/**
 * Cached bytes at most: beyond them weights are copied per call as before (VGG-16's 528 MB of weights fit; the
 * wasm32 memory stops at 4 GiB and activations need room too).
 */
export const WEIGHT_CACHE_MAX_BYTES = 1 << 30;

/**
 * Uses of a storage at version 0 before it is cached. Parameters reach version 1 when initialised, loaded or
 * stepped; a fresh tensor used as a weight (one computed every step, e.g. a weight standardisation) would
 * otherwise hold a block until the collector finds it, and the collector does not see WebAssembly memory.
 */
export const FRESH_USES_BEFORE_CACHING = 3;

interface Entry {
  version: number;
  ptr: number;
  bytes: number;
}

/** The cached forms of one storage by key, and how often it was used while fresh. */
interface Forms {
  readonly entries: Map<string, Entry>;
  freshUses: number;
}

export class WeightCache {
  private readonly byStorage = new WeakMap<Storage, Forms>();
  private readonly collected: FinalizationRegistry<Map<string, Entry>> | null;
  /** Cache hits and fills, for tests and benchmarks. */
  readonly counts = { hits: 0, fills: 0 };

  constructor(private readonly rt: WasmRuntime, private readonly maxBytes = WEIGHT_CACHE_MAX_BYTES) {
    this.collected = typeof FinalizationRegistry === 'function'
      ? new FinalizationRegistry((entries) => { for (const e of entries.values()) this.rt.freeResident(e.ptr, e.bytes); })
      : null;
  }

  /**
   * The address of `form` of view `v` (`bytes` long) in resident memory, written by `fill(ptr)` when the
   * storage's version has moved since; null when it is not worth caching or cannot be (the caller then places
   * a scratch copy as without a cache). `form` names the layout and every parameter it depends on.
   */
  get(v: View, form: string, bytes: number, fill: (ptr: number) => void): number | null {
    if (this.collected === null) return null;
    const version = storageVersion(v.storage);
    let forms = this.byStorage.get(v.storage);
    if (!forms) {
      forms = { entries: new Map(), freshUses: 0 };
      this.byStorage.set(v.storage, forms);
      this.collected.register(v.storage, forms.entries);
    }
    if (version === 0 && ++forms.freshUses < FRESH_USES_BEFORE_CACHING) return null;
    const key = `${form}|${v.offset}|${v.shape.join(',')}|${v.strides.join(',')}`;
    let entry = forms.entries.get(key);
    if (entry && entry.version === version) {
      this.counts.hits++;
      return entry.ptr;
    }
    if (!entry) {
      if (this.rt.residentBytes + bytes > this.maxBytes) return null;
      const ptr = this.rt.allocResident(bytes);
      if (ptr === null) return null;
      forms.entries.set(key, (entry = { version: -1, ptr, bytes }));
    }
    entry.version = -1; // until the fill completes: a fill that throws leaves no valid-looking entry
    fill(entry.ptr);
    entry.version = version;
    this.counts.fills++;
    return entry.ptr;
  }
}

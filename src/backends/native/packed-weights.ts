/**
 * oneDNN's reordered copies of convolution weights, made once per weight version. A convolution primitive reads
 * its weights in a blocked layout of its own; reordering them on every call cost a quarter of ResNet-18's
 * inference time. The copies are keyed on the storage (so they go with it when it is collected) and remembered
 * with the storage's version (src/core/version.ts): every in-place write (optimiser step, load, init) makes the
 * next call reorder again, into the same array, and the forward passes between two writes reuse it.
 */
import { storageVersion } from '../../core/version.js';
import type { Storage, View } from '../backend.js';
import type { NativeAddon } from './addon.js';

interface Entry {
  version: number;
  /** null where the primitive reads convkit's layout as it is */
  packed: Float32Array | null;
}

export interface PackedWeights {
  /** w in the layout of the input-gradient primitive (convBackwardData) for `geometry`, up to date with w's storage, or null. */
  getBackwardData(w: View, plain: Float32Array, geometry: Int32Array): Float32Array | null;
  /** The same for the forward primitive (conv-forward.ts) whose fused operands `flags` names. */
  getFused(w: View, plain: Float32Array, geometry: Int32Array, flags: number): Float32Array | null;
}

interface Primitive {
  key: string;
  length(): number;
  pack(packed: Float32Array): void;
}

export function packedWeights(addon: NativeAddon): PackedWeights {
  const byStorage = new WeakMap<Storage, Map<string, Entry>>();
  const cached = (w: View, primitive: Primitive): Float32Array | null => {
    let entries = byStorage.get(w.storage);
    if (!entries) byStorage.set(w.storage, (entries = new Map()));
    // the view's place in its storage, the primitive (batch included: oneDNN may pick another kernel)
    const key = `${primitive.key}|${w.offset}|${w.strides.join(',')}`;
    const version = storageVersion(w.storage);
    let entry = entries.get(key);
    if (entry && entry.version === version) return entry.packed;
    if (!entry) {
      const length = primitive.length();
      entry = { version, packed: length ? new Float32Array(length) : null };
      entries.set(key, entry);
    }
    entry.version = version;
    if (entry.packed) primitive.pack(entry.packed);
    return entry.packed;
  };
  return {
    getBackwardData: (w, plain, geometry) => cached(w, {
      key: `backward data|${geometry.join(',')}`,
      length: () => addon.convPackedWeightLength(geometry),
      pack: (packed) => addon.convPackWeights(plain, packed, geometry),
    }),
    getFused: (w, plain, geometry, flags) => cached(w, {
      key: `fused ${flags}|${geometry.join(',')}`,
      length: () => addon.convFusedPackedWeightLength(geometry, flags),
      pack: (packed) => addon.convFusedPackWeights(plain, packed, geometry, flags),
    }),
  };
}

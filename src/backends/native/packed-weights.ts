/**
 * oneDNN's reordered copies of convolution weights, made once per weight version. A convolution primitive reads
 * its weights in a blocked layout of its own; reordering them on every call cost a quarter of ResNet-18's
 * inference time. The copies are keyed on the storage (so they go with it when it is collected) and remembered
 * with the storage's version (src/core/version.ts): every in-place write (optimiser step, load, init) makes the
 * next call reorder again, into the same array, and the forward passes between two writes reuse it.
 */
import { storageVersion } from '../../core/version.js';
import type { Storage, View } from '../backend.js';
import type { NativeAddon, WeightUse } from './addon.js';

interface Entry {
  version: number;
  /** null where the primitive reads convkit's layout as it is */
  packed: Float32Array | null;
}

export interface PackedWeights {
  /** w in the layout of the primitive that `geometry` and `use` name, up to date with w's storage, or null. */
  get(w: View, plain: Float32Array, geometry: Int32Array, use: WeightUse): Float32Array | null;
}

export function packedWeights(addon: NativeAddon): PackedWeights {
  const byStorage = new WeakMap<Storage, Map<string, Entry>>();
  return {
    get(w, plain, geometry, use) {
      let entries = byStorage.get(w.storage);
      if (!entries) byStorage.set(w.storage, (entries = new Map()));
      // the view's place in its storage, the convolution (batch included: oneDNN may pick another kernel) and the use
      const key = `${use}|${geometry.join(',')}|${w.offset}|${w.strides.join(',')}`;
      const version = storageVersion(w.storage);
      let entry = entries.get(key);
      if (entry && entry.version === version) return entry.packed;
      if (!entry) {
        const length = addon.convPackedWeightLength(geometry, use);
        entry = { version, packed: length ? new Float32Array(length) : null };
        entries.set(key, entry);
      }
      entry.version = version;
      if (entry.packed) addon.convPackWeights(plain, entry.packed, geometry, use);
      return entry.packed;
    },
  };
}

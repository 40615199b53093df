/**
 * File-system conveniences for Node, kept out of the core so that `convkit` stays bundleable for
 * browsers: they are reached through `convkit/node` (src/node.ts). Writes are atomic: the bytes go to
 * a temporary file beside the target, are flushed, and replace the target by a rename, so a crash
 * leaves either the old file or the new one, never half of one.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import type { LoadStateDictOptions, LoadStateDictResult, Module, StateDict } from '../nn/module.js';
import { loadSafetensors as fromBytes, saveSafetensors, type SaveSafetensorsOptions } from './safetensors.js';

/** As `ck.io.loadSafetensors`, and also from a file path. */
export function loadSafetensors(source: string | Uint8Array | ArrayBuffer): StateDict {
  return fromBytes(typeof source === 'string' ? readFileSync(source) : source);
}

/** Writes `bytes` to `path` through a temporary file and a rename. */
export function writeFileAtomic(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export function saveSafetensorsFile(path: string, stateDict: StateDict, opts: SaveSafetensorsOptions = {}): void {
  writeFileAtomic(path, saveSafetensors(stateDict, opts));
}

/** Saves a model's state dict (parameters and buffers) as a safetensors file, as `torch.save(model.state_dict(), path)`. */
export function save(model: Module, path: string, opts: SaveSafetensorsOptions = {}): void {
  saveSafetensorsFile(path, model.stateDict(), opts);
}

/**
 * Loads a safetensors file into a model, as `model.load_state_dict(torch.load(path))`. The file is fully
 * validated and every key and shape checked before the first value is copied.
 */
export function load(model: Module, path: string, opts: LoadStateDictOptions = {}): LoadStateDictResult {
  return model.loadStateDict(loadSafetensors(path), opts);
}

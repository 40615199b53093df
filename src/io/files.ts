/**
 * File-system conveniences for Node, kept out of the core so that `convkit` stays bundleable for
 * browsers: they are reached through `convkit/node` (src/node.ts). Writes are atomic: the bytes go to
 * a temporary file beside the target, are flushed, and replace the target by a rename, so a crash
 * leaves either the old file or the new one, never half of one.
 */
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LoadStateDictOptions, LoadStateDictResult, Module, StateDict } from '../nn/module.js';
import { loadSafetensors as fromBytes, saveSafetensors, type SaveSafetensorsOptions } from './safetensors.js';

/** As `ck.io.loadSafetensors`, and also from a file path. */
export function loadSafetensors(source: string | Uint8Array | ArrayBuffer): StateDict {
  if (typeof source !== 'string') return fromBytes(source);
  const bytes = readFileSync(source);
  try {
    return fromBytes(bytes);
  } catch (e) {
    // the bytes' errors cannot know the file; a corrupt --weights must say which file is corrupt
    throw new Error(`loadSafetensors: ${source}: ${(e as Error).message.replace(/^loadSafetensors: /, '')}`);
  }
}

/** writeFileAtomic's temporary files: `<target>.<pid>.<stamp>.tmp`. */
const TEMPORARY = /\.(\d+)\.[0-9a-z]+\.tmp$/;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

/**
 * Removes the temporary files of atomic writes that a killed process left in `dir` (those of live processes
 * stay: another run may be writing there). Returns their names.
 */
export function removeStaleTemporaryFiles(dir: string): string[] {
  const stale = readdirSync(dir).filter((name) => {
    const m = TEMPORARY.exec(name);
    return m !== null && Number(m[1]) !== process.pid && !processAlive(Number(m[1]));
  });
  for (const name of stale) rmSync(join(dir, name), { force: true });
  return stale;
}

/** Makes a rename in `dir` durable (POSIX: the directory entry lives in the directory's own data). */
function fsyncDirectory(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // some platforms (Windows) and file systems cannot open or sync a directory; the rename is still atomic
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** Writes `bytes` to `path` through a temporary file and a rename, flushed to disk before and after the rename. */
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
    fsyncDirectory(dirname(path));
  } catch (e) {
    rmSync(tmp, { force: true });
    // ENOSPC and EIO name no file, and the temporary name means nothing to the user: name the target
    const err = e as Error & { code?: string };
    throw Object.assign(new Error(`cannot write ${path}: ${err.message}`), { code: err.code });
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

/**
 * File-system conveniences for Node, kept out of the core so that `convkit` stays bundleable for
 * browsers: they are reached through `convkit/node` (src/node.ts). Writes are atomic: the bytes go to
 * a temporary file beside the target, are flushed, and replace the target by a rename, so a crash
 * leaves either the old file or the new one, never half of one.
 */
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { check, is, isPlainObject, parseArgs, signature, withSignature, type ArgsOf } from '../core/args.js';
import { Module, type LoadStateDictOptions, type LoadStateDictResult, type StateDict } from '../nn/module.js';
import { loadSafetensors as fromBytes, saveSafetensors, type SaveSafetensorsOptions } from './safetensors.js';

/** The one line of Python that turns a PyTorch checkpoint into a file convkit reads. */
export const SAVE_SAFETENSORS_PY = `from safetensors.torch import save_file; save_file(model.state_dict(), "model.safetensors")`;

/**
 * A PyTorch pickle (torch.save's zip archive since 1.6, or the legacy pickle stream) instead of safetensors:
 * convkit does not unpickle (unpickling runs arbitrary code), so it says how to convert instead.
 */
export function checkNotPickle(bytes: Uint8Array, source: string): void {
  const zip = bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
  const pickle = bytes[0] === 0x80 && bytes[1] >= 2 && bytes[1] <= 5;
  if (zip || pickle) {
    throw new Error(
      `load: ${source} is a PyTorch pickle (torch.save's .pt/.pth format), which convkit does not read: unpickling can run ` +
        `arbitrary code. Save the weights as safetensors in PyTorch instead: ${SAVE_SAFETENSORS_PY}`,
    );
  }
}

/** As `ck.io.loadSafetensors`, and also from a file path. */
export function loadSafetensors(source: string | Uint8Array | ArrayBuffer): StateDict {
  if (typeof source !== 'string') {
    const data = source instanceof ArrayBuffer ? new Uint8Array(source) : source;
    checkNotPickle(data, 'the data');
    return fromBytes(data);
  }
  const bytes = readFileSync(source);
  checkNotPickle(bytes, source);
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

const SAVE = signature('save', 'torch.', [
  ['obj', check<Module | StateDict>('a Module or a state dict (model.stateDict())', (v) => v instanceof Module || isPlainObject(v))],
  ['f', is.string],
], [], [['metadata', check<Record<string, string>>('an object of strings', (v) => isPlainObject(v) && Object.values(v).every((x) => typeof x === 'string'))]]);

/**
 * torch.save's spelling, as a safetensors file: `ck.save(model.stateDict(), path)` or `ck.save(model, path)`
 * (a model saves its state dict: the file holds tensors only, never code).
 */
export function save(obj: Module | StateDict, path: string, opts?: SaveSafetensorsOptions): void;
export function save(...args: ArgsOf<typeof SAVE>): void;
export function save(...args: unknown[]): void {
  const { obj, f, metadata } = parseArgs(SAVE, args);
  saveSafetensorsFile(f, obj instanceof Module ? obj.stateDict() : obj, { metadata });
}

const LOAD = signature('load', 'torch.', [['f', is.string]], [], [['strict', is.bool]]);

/**
 * torch.load's spelling: `ck.load(path)` returns the state dict, for `model.loadStateDict(ck.load(path))`.
 * `ck.load(model, path)` loads into the model directly (every key and shape checked before the first copy).
 */
export function load(path: string): StateDict;
export function load(model: Module, path: string, opts?: LoadStateDictOptions): LoadStateDictResult;
export function load(...args: unknown[]): StateDict | LoadStateDictResult {
  if (args[0] instanceof Module) {
    const [model, ...rest] = args;
    const { f, strict } = parseArgs(LOAD, rest);
    return model.loadStateDict(loadSafetensors(f), { strict });
  }
  const { f } = parseArgs(LOAD, args);
  return loadSafetensors(f);
}
withSignature(save, SAVE);
withSignature(load, LOAD);

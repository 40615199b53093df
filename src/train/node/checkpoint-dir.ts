/**
 * Checkpoints in a directory: `checkpoint-<epoch>[-<batch>].safetensors`, each complete in itself (the
 * training state's JSON rides in its `__metadata__`), and `checkpoint.json`, the manifest naming the latest.
 * The tensors file is written atomically (temporary file, fsync, rename, directory fsync): its rename is the
 * commit point. The manifest is renamed after it, then older checkpoints are removed. A kill at any moment
 * leaves a complete checkpoint: if it lands between the two renames, the manifest lags one checkpoint behind,
 * and loading takes the newest complete checkpoint file, which is never older than the manifest's.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { removeStaleTemporaryFiles, writeFileAtomic } from '../../io/files.js';
import { loadSafetensors, readSafetensorsHeader, saveSafetensorsAsync } from '../../io/safetensors.js';
import { fromJson, toJson, type Checkpoint, type CheckpointMeta, type CheckpointStore } from '../checkpoint.js';

const MANIFEST = 'checkpoint.json';
const FILE = /^checkpoint-(\d+)(?:-(\d+))?\.safetensors$/;
type Manifest = CheckpointMeta & { tensorsFile: string };

/** Orders checkpoint files: epochs completed, then batches into the next epoch (NaN for other names). */
function age(name: string): number {
  const m = FILE.exec(name);
  return m ? Number(m[1]) * 1e9 + Number(m[2] ?? 0) : NaN;
}

function readManifest(path: string): Manifest | null {
  if (!existsSync(path)) return null;
  try {
    return fromJson<Manifest>(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`resume: ${path} is not valid JSON (${(e as Error).message})`);
  }
}

/** The checkpoint in `file`, or null when it is incomplete or corrupt (then `why` says so). */
function readCheckpoint(dir: string, file: string, manifest: Manifest | null, why: string[]): Checkpoint | null {
  try {
    const bytes = readFileSync(join(dir, file));
    const embedded = readSafetensorsHeader(bytes).metadata.meta;
    const meta = embedded !== undefined ? fromJson<CheckpointMeta>(embedded) : manifest?.tensorsFile === file ? manifest : null;
    if (!meta) throw new Error('it holds no training state');
    const { tensorsFile: _, ...rest } = meta as Manifest;
    return { tensors: loadSafetensors(bytes), meta: rest };
  } catch (e) {
    why.push(`${file} (${(e as Error).message})`);
    return null;
  }
}

/** A CheckpointStore over `dir` (created when the first checkpoint is saved); temporary files left by killed writes are removed. */
export function directoryCheckpointStore(dir: string): CheckpointStore {
  if (existsSync(dir)) removeStaleTemporaryFiles(dir);
  return {
    location: dir,
    async save({ tensors, meta }: Checkpoint): Promise<void> {
      mkdirSync(dir, { recursive: true });
      const tensorsFile = `checkpoint-${meta.epoch}${meta.partial ? `-${meta.partial.batchesDone}` : ''}.safetensors`;
      writeFileAtomic(join(dir, tensorsFile), await saveSafetensorsAsync(tensors, { metadata: { format: 'convkit-checkpoint', meta: toJson(meta) } }));
      writeFileAtomic(join(dir, MANIFEST), new TextEncoder().encode(toJson({ ...meta, tensorsFile })));
      for (const old of readdirSync(dir)) {
        if (FILE.test(old) && old !== tensorsFile) rmSync(join(dir, old), { force: true });
      }
    },
    async load(): Promise<Checkpoint | null> {
      const path = join(dir, MANIFEST);
      const manifest = readManifest(path);
      // never older than what the manifest names; a name that is not a checkpoint file's accepts none
      const floor = manifest ? age(manifest.tensorsFile ?? '') : -1;
      const files = existsSync(dir) ? readdirSync(dir).filter((f) => age(f) >= (Number.isNaN(floor) ? Infinity : floor)) : [];
      const why: string[] = [];
      for (const file of files.sort((a, b) => age(b) - age(a))) {
        const checkpoint = readCheckpoint(dir, file, manifest, why);
        if (checkpoint) {
          if (why.length) console.warn(`resume: skipped incomplete checkpoints in ${dir}: ${why.join('; ')}`);
          return checkpoint;
        }
      }
      if (!manifest) return null;
      const missing = !existsSync(join(dir, manifest.tensorsFile ?? ''));
      throw new Error(`resume: ${path} names tensors file ${manifest.tensorsFile}, which is ${missing ? 'missing' : 'unreadable'}${why.length ? ` (${why.join('; ')})` : ''}`);
    },
  };
}

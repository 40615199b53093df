/**
 * Checkpoints in a directory: `checkpoint.json` (the JSON part, naming its tensors file) and
 * `checkpoint-<epoch>[-<batch>].safetensors`. Both are written atomically (temporary file, rename), the
 * tensors first: the JSON is replaced last, so a crash at any point leaves the previous checkpoint whole.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/files.js';
import { loadSafetensors, saveSafetensorsAsync } from '../../io/safetensors.js';
import { fromJson, toJson, type Checkpoint, type CheckpointMeta, type CheckpointStore } from '../checkpoint.js';

const JSON_NAME = 'checkpoint.json';

/** A CheckpointStore over `dir` (created when the first checkpoint is saved). */
export function directoryCheckpointStore(dir: string): CheckpointStore {
  return {
    location: dir,
    async save({ tensors, meta }: Checkpoint): Promise<void> {
      mkdirSync(dir, { recursive: true });
      const tensorsFile = `checkpoint-${meta.epoch}${meta.partial ? `-${meta.partial.batchesDone}` : ''}.safetensors`;
      writeFileAtomic(join(dir, tensorsFile), await saveSafetensorsAsync(tensors, { metadata: { format: 'convkit-checkpoint' } }));
      writeFileAtomic(join(dir, JSON_NAME), new TextEncoder().encode(toJson({ ...meta, tensorsFile })));
      for (const old of readdirSync(dir)) {
        if (/^checkpoint-.*\.safetensors$/.test(old) && old !== tensorsFile) rmSync(join(dir, old), { force: true });
      }
    },
    async load(): Promise<Checkpoint | null> {
      const path = join(dir, JSON_NAME);
      if (!existsSync(path)) return null;
      const meta = fromJson<CheckpointMeta & { tensorsFile: string }>(readFileSync(path, 'utf8'));
      const tensorsPath = join(dir, meta.tensorsFile ?? '');
      if (!meta.tensorsFile || !existsSync(tensorsPath)) throw new Error(`resume: ${path} names tensors file ${meta.tensorsFile}, which is missing`);
      const { tensorsFile: _, ...rest } = meta;
      return { tensors: loadSafetensors(readFileSync(tensorsPath)), meta: rest };
    },
  };
}

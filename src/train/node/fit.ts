import type { Module } from '../../nn/module.js';
import type { DataLoader } from '../../data/dataloader.js';
import { fit as fitCore, type FitOptions } from '../fit.js';
import type { History } from '../history.js';
import type { Batch } from '../types.js';
import { directoryCheckpointStore } from './checkpoint-dir.js';

export interface NodeFitOptions extends FitOptions {
  /** A directory for checkpoints (checkpoint.json + safetensors), written after every epoch. */
  checkpointDir?: string;
}

/** ck.train.fit with `checkpointDir`: checkpoints in a directory, `resume` continues from it. */
export function fit(model: Module, trainLoader: DataLoader<unknown, Batch>, opts: NodeFitOptions): Promise<History> {
  const { checkpointDir, ...rest } = opts;
  if (checkpointDir !== undefined && rest.checkpointStore) throw new Error('fit: give either checkpointDir or checkpointStore, not both');
  return fitCore(model, trainLoader, checkpointDir === undefined ? rest : { ...rest, checkpointStore: directoryCheckpointStore(checkpointDir) });
}

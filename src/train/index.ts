/** ck.train: the training loop, evaluation and checkpoints. */
export { fit, evaluate } from './lazy.js';
export type { FitOptions, BatchProgress, Monitor } from './fit.js';
export type { EvaluateOptions, Evaluation } from './evaluate.js';
export { ClassificationMeter } from './metrics.js';
export type { ClassificationResult } from './metrics.js';
export { memoryCheckpointStore, makeCheckpoint, restoreCheckpoint } from './checkpoint.js';
export type { Checkpoint, CheckpointMeta, CheckpointStore, OptimizerLike, SchedulerLike, EpochSchedulerLike, PlateauSchedulerLike, EarlyStoppingLike, PartialEpoch } from './checkpoint.js';
export type { EpochRecord, History } from './history.js';
export type { LossFn, Batch, BatchSource } from './types.js';

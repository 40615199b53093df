/**
 * `ck.train.fit` and `ck.train.evaluate` as the main entry exports them: the training loop is a chunk of its own
 * that the first call loads (a page that trains with its own loop never downloads it). Both were asynchronous
 * already, so callers see no difference.
 */
import type { DataLoader } from '../data/dataloader.js';
import type { Module } from '../nn/module.js';
import type { EvaluateOptions, Evaluation } from './evaluate.js';
import type { FitOptions } from './fit.js';
import type { History } from './history.js';
import type { Batch, BatchSource } from './types.js';

/** Trains `model` on `trainLoader`; see FitOptions. */
export async function fit(model: Module, trainLoader: DataLoader<unknown, Batch>, opts: FitOptions): Promise<History> {
  return (await import('./fit.js')).fit(model, trainLoader, opts);
}

/**
 * Runs a classifier over a loader in evaluation mode without recording gradients, and reports the mean
 * loss, accuracy, top-k accuracy and the confusion matrix. The model's training mode is restored after.
 */
export async function evaluate(model: Module, loader: BatchSource, opts: EvaluateOptions = {}): Promise<Evaluation> {
  return (await import('./evaluate.js')).evaluate(model, loader, opts);
}

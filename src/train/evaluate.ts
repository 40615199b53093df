import { noGrad } from '../core/autograd.js';
import type { Tensor } from '../core/tensor.js';
import type { Module } from '../nn/module.js';
import { crossEntropy } from '../nn/losses.js';
import { ClassificationMeter, type ClassificationResult } from './metrics.js';
import { forward, type BatchSource, type LossFn } from './types.js';

export interface EvaluateOptions {
  loss?: LossFn;
  /** Top-k accuracies to report (default [1, 5]; k larger than the number of classes is left out). */
  topk?: readonly number[];
  /** Extra metrics, each (output, target) => a batch mean, averaged over all samples. */
  metrics?: Record<string, (output: Tensor, target: Tensor) => number>;
}

export interface Evaluation extends ClassificationResult {
  metrics: Record<string, number>;
  seconds: number;
}

/**
 * Runs a classifier over a loader in evaluation mode without recording gradients, and reports the mean
 * loss, accuracy, top-k accuracy and the confusion matrix. The model's training mode is restored after.
 */
export async function evaluate(model: Module, loader: BatchSource, opts: EvaluateOptions = {}): Promise<Evaluation> {
  const loss = opts.loss ?? crossEntropy;
  const start = performance.now();
  const wasTraining = model.training;
  model.eval();
  let meter: ClassificationMeter | null = null;
  const sums: Record<string, number> = Object.fromEntries(Object.keys(opts.metrics ?? {}).map((k) => [k, 0]));
  try {
    for await (const [x, y] of loader) {
      noGrad(() => {
        const out = forward(model, x);
        const k = (opts.topk ?? [1, 5]).filter((v) => v <= out.shape[1]);
        meter ??= new ClassificationMeter(k.includes(1) ? k : [1, ...k], out.shape[1]);
        meter.update(out, y, loss(out, y).item());
        for (const [k, fn] of Object.entries(opts.metrics ?? {})) sums[k] += fn(out, y) * x.shape[0];
      });
    }
  } finally {
    model.train(wasTraining);
  }
  if (!meter) throw new RangeError('evaluate: the loader yielded no batches');
  const result = (meter as ClassificationMeter).result();
  const metrics = Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / result.count]));
  return { ...result, metrics, seconds: (performance.now() - start) / 1000 };
}

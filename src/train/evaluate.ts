import '../index.js'; // the main entry: bundlers then keep its modules in one shared chunk (src/index.ts says why)
import { noGrad } from '../core/autograd.js';
import { keep, scope } from '../core/memory.js';
import { Tensor } from '../core/tensor.js';
import { add, mul } from '../ops/elementwise.js';
import type { Module } from '../nn/module.js';
import { crossEntropy } from '../nn/losses.js';
import { ClassificationMeter, type ClassificationResult } from './metrics.js';
import { forward, type BatchSource, type LossFn } from './types.js';

export interface EvaluateOptions {
  loss?: LossFn;
  /** Top-k accuracies to report (default [1, 5]; k larger than the number of classes is left out). */
  topk?: readonly number[];
  /** Extra metrics, each (output, target) => a batch mean (a number, or a 0-d tensor kept on the device), averaged over all samples. */
  metrics?: Record<string, (output: Tensor, target: Tensor) => Tensor | number>;
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
  const sums: Record<string, Tensor | number> = Object.fromEntries(Object.keys(opts.metrics ?? {}).map((k) => [k, 0]));
  let batches = 0;
  try {
    for await (const [x, y] of loader) {
      // each batch in a scope: its activations are freed at once; the meter keeps its per-sample results
      const added = scope(() => noGrad(() => {
        const device = model.parameters()[0]?.device;
        const [xs, ys] = device ? [x.to(device), y.to(device)] : [x, y];
        const out = forward(model, xs);
        const k = (opts.topk ?? [1, 5]).filter((v) => v <= out.shape[1]);
        meter ??= new ClassificationMeter(k.includes(1) ? k : [1, ...k], out.shape[1]);
        meter.update(out, ys, loss(out, ys));
        return Object.entries(opts.metrics ?? {}).map(([name, fn]) => [name, accumulate(sums[name], fn(out, ys), x.shape[0])] as const);
      }));
      for (const [name, v] of added) {
        if (sums[name] instanceof Tensor && sums[name] !== v) (sums[name] as Tensor).dispose();
        sums[name] = v;
      }
      // read the device results now and then, so they do not pile up on the device
      if (++batches % 32 === 0) await meter!.flush();
    }
    await (meter as ClassificationMeter | null)?.flush();
  } finally {
    model.train(wasTraining);
  }
  if (!meter) throw new RangeError('evaluate: the loader yielded no batches');
  const result = (meter as ClassificationMeter).result();
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(sums)) metrics[k] = (typeof v === 'number' ? v : (await v.data())[0]) / result.count;
  return { ...result, metrics, seconds: (performance.now() - start) / 1000 };
}

/** sum + metric·n, on the host for numbers and on the device for tensors. */
function accumulate(sum: Tensor | number, metric: Tensor | number, n: number): Tensor | number {
  if (typeof metric === 'number' && typeof sum === 'number') return sum + metric * n;
  return keep(add(sum, typeof metric === 'number' ? metric * n : mul(metric, n)));
}

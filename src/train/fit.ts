/**
 * The training loop, PyTorch style: for each batch forward, loss, backward, step; after each epoch
 * validate, step the scheduler, check early stopping, save a checkpoint. Returns the history.
 */
import '../index.js'; // the main entry: bundlers then keep its modules in one shared chunk (src/index.ts says why)
import { defaultGenerator, type Generator } from '../core/random.js';
import type { Module } from '../nn/module.js';
import { DataLoader } from '../data/dataloader.js';
import { makeCheckpoint, restoreCheckpoint, type CheckpointStore, type EarlyStoppingLike, type EpochSchedulerLike, type OptimizerLike, type PartialEpoch, type SchedulerLike } from './checkpoint.js';
import { evaluate } from './evaluate.js';
import type { EpochRecord, History } from './history.js';
import { crossEntropy } from '../nn/losses.js';
import { countCorrect } from './metrics.js';
import { forward, type Batch, type LossFn } from './types.js';
import { noGrad } from '../core/autograd.js';
import { scope } from '../core/memory.js';
import { Tensor } from '../core/tensor.js';
import { add } from '../ops/elementwise.js';
import { OneCycleLR, ReduceLROnPlateau } from '../optim/lr-scheduler/index.js';

export type Monitor = 'valLoss' | 'valAccuracy' | 'trainLoss' | 'trainAccuracy';

export interface BatchProgress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  loss: number;
  accuracy: number;
  images: number;
  seconds: number;
}

export interface FitOptions {
  optimizer: OptimizerLike;
  valLoader?: DataLoader<unknown, Batch>;
  loss?: LossFn;
  /** Total epochs (a resumed run continues up to this number). Default 1. */
  epochs?: number;
  scheduler?: SchedulerLike;
  /** When the scheduler steps: after every epoch (default) or every batch (one-cycle schedules). */
  schedulerInterval?: 'epoch' | 'batch';
  earlyStopping?: EarlyStoppingLike;
  /** What early stopping and plateau schedulers watch: valLoss by default (trainLoss without a valLoader; accuracies for mode 'max'). */
  monitor?: Monitor;
  /**
   * Extra metrics, each (output, target) => a batch mean, averaged over the validation set (training set without
   * one). Return a 0-d tensor to keep it on the device (summed there, read once per log interval).
   */
  metrics?: Record<string, (output: Tensor, target: Tensor) => Tensor | number>;
  /**
   * Batches between reads of the running loss and accuracy (onBatch and the non-finite loss check). Default 1;
   * on a GPU a larger interval saves a round trip per batch. Batches are moved to the model's device.
   */
  logInterval?: number;
  /** Saves a checkpoint after every epoch and on interruption. */
  checkpointStore?: CheckpointStore;
  /** Continues from the checkpoint in checkpointStore. */
  resume?: boolean;
  /** Generators whose state belongs in checkpoints besides the default one and the loader's (e.g. augmentation's). */
  generators?: readonly Generator[];
  /** Stops after the current batch, saving a checkpoint (Ctrl-C in the CLI). */
  signal?: AbortSignal;
  onBatch?: (p: BatchProgress) => void;
  onEpoch?: (record: EpochRecord, history: readonly EpochRecord[]) => void | Promise<void>;
}

interface Timing {
  data: number;
  forward: number;
  backward: number;
  optimizer: number;
}

function checkOptions(model: Module, loader: DataLoader<unknown, Batch>, o: FitOptions): void {
  if (typeof model?.forward !== 'function' || typeof model.parameters !== 'function') throw new TypeError('fit: expected an nn.Module as the model');
  if (!(loader instanceof DataLoader)) throw new TypeError('fit: expected a DataLoader for the training data');
  if (!o?.optimizer || typeof o.optimizer.step !== 'function') throw new TypeError('fit: options.optimizer is required (e.g. new ck.optim.SGD(model.parameters(), { lr: 0.01 }))');
  const epochs = o.epochs ?? 1;
  if (!Number.isInteger(epochs) || epochs < 1) throw new RangeError(`fit: epochs must be a positive integer, got ${epochs}`);
  if (o.resume && !o.checkpointStore) throw new Error('fit: resume needs a checkpointStore (or checkpointDir in convkit/node) to resume from');
  if (o.logInterval !== undefined && !(Number.isInteger(o.logInterval) && o.logInterval >= 1)) throw new RangeError(`fit: logInterval must be a positive integer, got ${o.logInterval}`);
  const intervals = ['epoch', 'batch'];
  if (o.schedulerInterval !== undefined && !intervals.includes(o.schedulerInterval)) throw new RangeError(`fit: schedulerInterval must be 'epoch' or 'batch', got ${JSON.stringify(o.schedulerInterval)}`);
  const monitors = ['valLoss', 'valAccuracy', 'trainLoss', 'trainAccuracy'];
  if (o.monitor !== undefined && !monitors.includes(o.monitor)) throw new RangeError(`fit: monitor must be one of ${monitors.join(', ')}, got ${JSON.stringify(o.monitor)}`);
  if (o.monitor?.startsWith('val') && !o.valLoader) throw new Error(`fit: monitor '${o.monitor}' needs a valLoader`);
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}

function monitored(record: EpochRecord, monitor: Monitor): number {
  return record[monitor] as number;
}

interface Sums {
  loss: number;
  correct: number;
  seen: number;
  seconds: number;
}

/** What one epoch's loop needs besides the options. */
interface EpochRun {
  epoch: number;
  order: readonly (readonly number[])[];
  start: number;
  sums: Sums;
  batchScheduler: boolean;
}

interface EpochResult {
  timing: Timing;
  extra: Record<string, number>;
  /** Set when the signal stopped the epoch before its end. */
  stoppedAfter: number | null;
}

/**
 * What the steps since the last read added up, on the device: loss·n, correct predictions and the extra metrics
 * (a metric that returns a number is summed on the host). Read once per log interval.
 */
interface Pending {
  loss: Tensor | null;
  correct: Tensor | null;
  extra: Record<string, Tensor | number>;
  seen: number;
  first: number;
}

function addOnDevice(acc: Tensor | number | null, v: Tensor | number): Tensor | number {
  if (acc === null) return v;
  return typeof acc === 'number' && typeof v === 'number' ? acc + v : add(acc as Tensor, v as Tensor);
}

/** The model's device: batches are moved there (a no-op when they already are). */
function deviceOf(model: Module): string | null {
  return model.parameters()[0]?.device ?? null;
}

/** One training step in a scope: everything it creates but the returned accumulators is freed at its end. */
function trainStep(model: Module, [x, y]: Batch, o: FitOptions & { loss: LossFn; batchScheduler: boolean }, pending: Pending, clock: (part: keyof Timing) => void): Pending {
  const { optimizer } = o;
  return scope(() => {
    const device = deviceOf(model);
    const [xs, ys] = device ? [x.to(device), y.to(device)] : [x, y];
    const out = forward(model, xs);
    const value = o.loss(out, ys);
    clock('forward');
    // the previous step's gradients are fit's own (set to none as PyTorch does): free their memory now
    const stale = model.parameters().map((p) => p.grad);
    optimizer.zeroGrad();
    for (const g of stale) if (g && !g.isDisposed) g.dispose();
    value.backward();
    clock('backward');
    optimizer.step();
    if (o.scheduler && o.batchScheduler) (o.scheduler as EpochSchedulerLike).step();
    clock('optimizer');
    const n = x.shape[0];
    const next: Pending = { ...pending, seen: pending.seen + n, extra: { ...pending.extra } };
    next.loss = addOnDevice(pending.loss, noGrad(() => value.detach().mul(n))) as Tensor;
    next.correct = addOnDevice(pending.correct, countCorrect(out, ys)) as Tensor;
    if (!o.valLoader) {
      for (const [k, fn] of Object.entries(o.metrics ?? {})) {
        const m = fn(out.detach(), ys);
        next.extra[k] = addOnDevice(pending.extra[k] ?? null, typeof m === 'number' ? m * n : noGrad(() => m.mul(n)));
      }
    }
    return next;
  });
}

/** Reads a pending sum (number or 0-d tensor) and frees its device memory. */
async function readSum(v: Tensor | number | null): Promise<number> {
  if (v === null) return 0;
  if (typeof v === 'number') return v;
  const value = (await v.data())[0];
  v.dispose();
  return value;
}

/** The previous accumulators, replaced by the step's new sums. */
function disposeReplaced(prev: Pending, next: Pending): void {
  const old = [prev.loss, prev.correct, ...Object.values(prev.extra)];
  const kept = new Set([next.loss, next.correct, ...Object.values(next.extra)]);
  for (const t of old) if (t instanceof Tensor && !kept.has(t)) t.dispose();
}

/** The batches of one epoch: forward, loss, backward, step, with the time of each part. */
async function trainEpoch(model: Module, loader: DataLoader<unknown, Batch>, o: FitOptions, loss: LossFn, run: EpochRun, epochs: number): Promise<EpochResult> {
  const { sums, order } = run;
  const every = o.logInterval ?? 1;
  const timing: Timing = { data: 0, forward: 0, backward: 0, optimizer: 0 };
  const extra = Object.fromEntries(Object.keys(o.metrics ?? {}).map((k) => [k, 0]));
  const began = performance.now() - sums.seconds * 1000;
  let t = performance.now();
  const clock = (part: keyof Timing): void => {
    const now = performance.now();
    timing[part] += (now - t) / 1000;
    t = now;
  };
  const stepOptions = { ...o, loss, batchScheduler: run.batchScheduler };
  const fresh = (b: number): Pending => ({ loss: null, correct: null, extra: {}, seen: 0, first: b });
  let pending = fresh(run.start);
  const batches = loader.iterate(order, run.start)[Symbol.asyncIterator]();
  for (let b = run.start; b < order.length; b++) {
    t = performance.now();
    const next = await batches.next();
    if (next.done) break;
    clock('data');
    const stepped = trainStep(model, next.value, stepOptions, pending, clock);
    disposeReplaced(pending, stepped);
    pending = stepped;
    const last = b + 1 === order.length || (o.signal?.aborted ?? false);
    if ((b + 1 - run.start) % every !== 0 && !last) continue;
    // one read per log interval: the sums of the steps since the last one
    const [lossSum, correct] = await Promise.all([readSum(pending.loss), readSum(pending.correct)]);
    for (const [k, v] of Object.entries(pending.extra)) extra[k] += await readSum(v);
    if (!Number.isFinite(lossSum)) {
      const where = pending.first === b ? `batch ${b + 1}` : `batches ${pending.first + 1}-${b + 1}`;
      throw new Error(`fit: the loss is ${lossSum / pending.seen} at epoch ${run.epoch}, ${where} of ${order.length}; training stopped (lower the learning rate, or check the data and the model for NaN/Infinity)`);
    }
    sums.loss += lossSum;
    sums.correct += correct;
    sums.seen += pending.seen;
    pending = fresh(b + 1);
    // a macrotask boundary, so that signals (Ctrl-C), timers and a browser's rendering get their turn
    await yieldToEventLoop();
    sums.seconds = (performance.now() - began) / 1000;
    o.onBatch?.({ epoch: run.epoch, epochs, batch: b + 1, batches: order.length, loss: sums.loss / sums.seen, accuracy: sums.correct / sums.seen, images: sums.seen, seconds: sums.seconds });
    if (o.signal?.aborted && b + 1 < order.length) {
      await batches.return?.();
      return { timing, extra, stoppedAfter: b + 1 };
    }
  }
  sums.seconds = (performance.now() - began) / 1000;
  return { timing, extra, stoppedAfter: null };
}

/** Trains `model` on `trainLoader`; see FitOptions. */
export async function fit(model: Module, trainLoader: DataLoader<unknown, Batch>, opts: FitOptions): Promise<History> {
  checkOptions(model, trainLoader, opts);
  const { optimizer, scheduler, earlyStopping, checkpointStore: store } = opts;
  const epochs = opts.epochs ?? 1;
  const loss = opts.loss ?? crossEntropy;
  const maxMode = earlyStopping?.mode === 'max';
  const monitor: Monitor = opts.monitor ?? (opts.valLoader ? (maxMode ? 'valAccuracy' : 'valLoss') : maxMode ? 'trainAccuracy' : 'trainLoss');
  const batchScheduler = (opts.schedulerInterval ?? (scheduler instanceof OneCycleLR ? 'batch' : 'epoch')) === 'batch';
  const generators = [...new Set([defaultGenerator, trainLoader.generator ?? defaultGenerator, ...(opts.generators ?? [])])];
  const state = { model, optimizer, scheduler, earlyStopping, generators };

  const history: EpochRecord[] = [];
  let partial: PartialEpoch | null = null;
  if (opts.resume) {
    const saved = await store!.load();
    if (!saved) throw new Error(`fit: resume requested, but ${store!.location} holds no checkpoint`);
    restoreCheckpoint(saved, state, store!.location);
    history.push(...saved.meta.history);
    partial = saved.meta.partial;
  }
  const save = async (p: PartialEpoch | null): Promise<void> => {
    if (store) await store.save(makeCheckpoint(state, history.length, history, p));
  };

  while (history.length < epochs) {
    const order = partial?.order ?? trainLoader.batchIndices();
    const run: EpochRun = { epoch: history.length + 1, order, start: partial?.batchesDone ?? 0, sums: partial ? { ...partial.sums } : { loss: 0, correct: 0, seen: 0, seconds: 0 }, batchScheduler };
    partial = null;
    const lr = optimizer.paramGroups[0].lr;
    model.train();
    const result = await trainEpoch(model, trainLoader, opts, loss, run, epochs);
    if (result.stoppedAfter !== null) {
      await save({ order: order.map((b) => b.slice()), batchesDone: result.stoppedAfter, sums: run.sums });
      return { epochs: history, stopReason: 'interrupted' };
    }
    const val = opts.valLoader ? await evaluate(model, opts.valLoader, { loss, topk: [1], metrics: opts.metrics }) : null;
    const { sums } = run;
    const record: EpochRecord = {
      epoch: run.epoch,
      trainLoss: sums.loss / sums.seen,
      trainAccuracy: sums.correct / sums.seen,
      valLoss: val?.loss ?? null,
      valAccuracy: val?.accuracy ?? null,
      lr,
      seconds: sums.seconds,
      imagesPerSecond: sums.seen / sums.seconds,
      timing: result.timing,
      metrics: val ? val.metrics : Object.fromEntries(Object.entries(result.extra).map(([k, v]) => [k, v / sums.seen])),
    };
    history.push(record);
    if (scheduler && !batchScheduler) {
      if (scheduler instanceof ReduceLROnPlateau) scheduler.step(monitored(record, monitor));
      else (scheduler as EpochSchedulerLike).step();
    }
    const stop = earlyStopping ? earlyStopping.step(monitored(record, monitor)) : false;
    await save(null);
    await opts.onEpoch?.(record, history);
    if (stop) return { epochs: history, stopReason: 'earlyStopping' };
    if (opts.signal?.aborted) return { epochs: history, stopReason: 'interrupted' };
  }
  return { epochs: history, stopReason: 'completed' };
}

/** `convkit train`: flags to a model, loaders and an optimiser, then ck.train.fit, evaluation and the run's files. */
import { mkdirSync } from 'node:fs';
import { manualSeed, Generator } from '../core/random.js';
import { noGrad } from '../core/autograd.js';
import { getBackend, hostDevice, readsSync, setBackend } from '../backends/registry.js';
import { tensor } from '../ops/creation.js';
import { DataLoader } from '../data/dataloader.js';
import { randomSplit, Subset } from '../data/dataset.js';
import { encodePng } from '../data/node/decode.js';
import { save, writeFileAtomic } from '../io/files.js';
import type { Module } from '../nn/module.js';
import { softmax } from '../nn/activation.js';
import { summary } from '../summary/index.js';
import { evaluate, type Evaluation } from '../train/evaluate.js';
import { fit } from '../train/node/fit.js';
import type { Batch } from '../train/types.js';
import type { EpochRecord } from '../train/history.js';
import { numberFlag, nonNegative, parseFlags, positiveInt, UsageError, type FlagSpecs } from './args.js';
import { DATA_NAMES, dataSpec, pipeline, Transformed, type DataSpec, type RawDataset } from './datasets.js';
import { pct, num } from './format.js';
import { DEFAULT_LR, makeOptimizer, makeScheduler, OPTIMIZERS, SCHEDULERS } from './optimizers.js';
import { files, readConfig, writeJson, type RunConfig } from './outputs.js';
import { prepareOutDir } from './out-dir.js';
import { Progress, type Output } from './progress.js';
import { renderReport, type Misclassified } from './report.js';
import { reportSections } from './look-inside.js';
import type { Section } from './gallery.js';
import type { Tensor } from '../core/tensor.js';
import { selectBackend } from './backend.js';
import { buildModel, findModel, parseModelOptions } from './zoo.js';
import { stack } from '../ops/indexing.js';

export const TRAIN_FLAGS: FlagSpecs = {
  model: { type: 'string', default: 'lenet5', help: 'model to train (convkit models lists them)' },
  'model-options': { type: 'string', help: 'builder options as key=value,key=value (e.g. activation=sigmoid,pool=avg)' },
  data: { type: 'string', default: 'fashion-mnist-mini', choices: DATA_NAMES, help: 'data set; fashion-mnist-mini is the built-in 10,000/2,000-image slice' },
  'data-dir': { type: 'string', help: 'where the data set lives (default: Debian\'s /usr/share/datasets/fashion-mnist for fashion-mnist)' },
  epochs: { type: 'string', default: '3', help: 'epochs to train (with --resume: the new total)' },
  'batch-size': { type: 'string', default: '64', help: 'images per batch' },
  optimizer: { type: 'string', default: 'adam', choices: OPTIMIZERS, help: 'optimiser' },
  lr: { type: 'string', help: 'learning rate (default 0.01 for sgd, 0.002 for adam/adamw, 0.001 for rmsprop)' },
  momentum: { type: 'string', help: 'momentum for sgd and rmsprop (default 0.9 for sgd, 0 for rmsprop)' },
  'weight-decay': { type: 'string', help: 'weight decay (default 0, 0.01 for adamw)' },
  scheduler: { type: 'string', default: 'none', choices: SCHEDULERS, help: 'learning-rate schedule' },
  augment: { type: 'boolean', help: 'random shifts (crop with padding) and, except for digits, horizontal flips' },
  seed: { type: 'string', default: '0', help: 'seed for initial weights, shuffling, the validation split and augmentation' },
  'val-split': { type: 'string', default: '0.1', help: 'fraction of the training images held out for validation' },
  'train-size': { type: 'string', help: 'use only the first N training images (quick trials)' },
  'test-size': { type: 'string', help: 'use only the first N test images' },
  out: { type: 'string', help: 'run directory (default runs/<model>-<data>-<time>)' },
  resume: { type: 'boolean', help: 'continue the run in --out from its last checkpoint' },
  backend: { type: 'string', help: 'compute backend, wasm or reference (default: wasm where WebAssembly SIMD is available, else reference)' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

export interface CliIO {
  stdout: Output;
  stderr: Output;
  /** Aborting it stops training after the current batch (main wires Ctrl-C to it). */
  signal?: AbortSignal;
}

function configFromFlags(f: Record<string, string | boolean | undefined>): RunConfig {
  const cmd = 'train';
  const optimizer = String(f.optimizer ?? 'adam');
  const entry = findModel(String(f.model ?? 'lenet5'));
  return {
    model: entry.name,
    modelOptions: parseModelOptions(f['model-options'] as string | undefined),
    data: String(f.data ?? 'fashion-mnist-mini'),
    dataDir: (f['data-dir'] as string | undefined) ?? null,
    classes: [],
    epochs: numberFlag(cmd, 'epochs', f.epochs, 3, positiveInt, 'a positive integer'),
    batchSize: numberFlag(cmd, 'batch-size', f['batch-size'], 64, positiveInt, 'a positive integer'),
    optimizer,
    lr: numberFlag(cmd, 'lr', f.lr, DEFAULT_LR[optimizer], (n) => n > 0 && Number.isFinite(n), 'a positive number'),
    momentum: numberFlag(cmd, 'momentum', f.momentum, optimizer === 'sgd' ? 0.9 : 0, (n) => n >= 0 && n < 1, 'a number in [0, 1)'),
    weightDecay: numberFlag(cmd, 'weight-decay', f['weight-decay'], optimizer === 'adamw' ? 0.01 : 0, nonNegative, 'a non-negative number'),
    scheduler: String(f.scheduler ?? 'none'),
    augment: Boolean(f.augment),
    seed: numberFlag(cmd, 'seed', f.seed, 0, (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer'),
    valSplit: numberFlag(cmd, 'val-split', f['val-split'], 0.1, (n) => n >= 0 && n < 1, 'a fraction in [0, 1)'),
    trainSize: f['train-size'] === undefined ? null : numberFlag(cmd, 'train-size', f['train-size'], 0, positiveInt, 'a positive integer'),
    testSize: f['test-size'] === undefined ? null : numberFlag(cmd, 'test-size', f['test-size'], 0, positiveInt, 'a positive integer'),
    backend: getBackend(),
  };
}

/** On --resume the saved configuration wins; only --epochs (the new total) and --backend may differ. */
function resumedConfig(out: string, f: Record<string, string | boolean | undefined>): RunConfig {
  const saved = readConfig(files(out).config);
  if (!saved) throw new UsageError(`--resume: ${files(out).config} not found; give --out the directory of the run to continue`);
  const fixed = Object.keys(TRAIN_FLAGS).filter((k) => !['epochs', 'backend', 'out', 'resume', 'help'].includes(k) && f[k] !== undefined);
  if (fixed.length) throw new UsageError(`--resume continues with the run's own settings (${files(out).config}); drop ${fixed.map((k) => `--${k}`).join(', ')}`);
  return { ...saved, epochs: numberFlag('train', 'epochs', f.epochs, saved.epochs, positiveInt, 'a positive integer') };
}

function defaultOut(c: RunConfig): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `runs/${c.model}-${c.data}-${stamp}`;
}

/** The first n samples (all when n is null or larger), keeping the class names. */
function firstN(ds: RawDataset, n: number | null): RawDataset {
  if (n === null || n >= ds.length) return ds;
  return Object.assign(new Subset(ds, Array.from({ length: n }, (_, i) => i)), { classes: ds.classes });
}

/** [training, validation] images for --val-split, as torch.utils.data.random_split counts fractions. */
function splitSizes(n: number, valSplit: number): [number, number] {
  const sizes: [number, number] = [Math.floor(n * (1 - valSplit)), Math.floor(n * valSplit)];
  for (let i = 0; i < n - sizes[0] - sizes[1]; i++) sizes[i % 2]++;
  return sizes;
}

interface Loaders {
  train: DataLoader<[unknown, number], Batch>;
  val?: DataLoader<[unknown, number], Batch>;
  test: DataLoader<[unknown, number], Batch>;
  rawTest: RawDataset;
  classes: string[];
}

function makeLoaders(spec: DataSpec, c: RunConfig, side: number, augment: Generator | null): Loaders {
  const rawTrain = firstN(spec.train(), c.trainSize);
  const rawTest = firstN(spec.test(), c.testSize);
  const classes = [...rawTrain.classes];
  const evalPipe = pipeline(spec, side, null);
  const [fitPart, valPart] = c.valSplit > 0 ? randomSplit(rawTrain, splitSizes(rawTrain.length, c.valSplit), { generator: new Generator(c.seed + 3) }) : [rawTrain, null];
  const opts = { batchSize: c.batchSize };
  return {
    train: new DataLoader(new Transformed(fitPart, pipeline(spec, side, augment)), { ...opts, shuffle: true, generator: new Generator(c.seed + 1) }),
    val: valPart && valPart.length > 0 ? new DataLoader(new Transformed(valPart, evalPipe), opts) : undefined,
    test: new DataLoader(new Transformed(rawTest, evalPipe), opts),
    rawTest,
    classes,
  };
}

/** The first `limit` misclassified test images with the model's confidence in its wrong answer. */
async function misclassified(model: Module, loaders: Loaders, spec: DataSpec, side: number, result: Evaluation, limit: number): Promise<Misclassified[]> {
  const wrong: number[] = [];
  for (let i = 0; i < result.count && wrong.length < limit; i++) if (result.predictions[i] !== result.targets[i]) wrong.push(i);
  if (wrong.length === 0) return [];
  const raws = await Promise.all(wrong.map(async (i) => (await loaders.rawTest.getItem(i))[0]));
  const pipe = pipeline(spec, side, null);
  const probs = await noGrad(() => {
    model.eval();
    return softmax(model.call(stack(raws.map((img) => pipe.forward(img)))) as never, 1);
  }).data();
  const c = loaders.classes.length;
  return wrong.map((i, k) => ({ png: encodePng(raws[k]), index: i, target: result.targets[i], predicted: result.predictions[i], confidence: probs[k * c + result.predictions[i]] }));
}

/** The report's "Look inside" pictures: 3 test images, and up to 6 misclassified ones for Grad-CAM. */
async function lookInside(model: Module, loaders: Loaders, spec: DataSpec, side: number, result: Evaluation): Promise<Section[]> {
  const pipe = pipeline(spec, side, null);
  const input = async (i: number): Promise<Tensor> => pipe.forward((await loaders.rawTest.getItem(i))[0]);
  const first = await Promise.all(Array.from({ length: Math.min(3, result.count) }, (_, i) => input(i)));
  const wrong: number[] = [];
  for (let i = 0; i < result.count && wrong.length < 6; i++) if (result.predictions[i] !== result.targets[i]) wrong.push(i);
  model.eval();
  return reportSections(model, {
    x: stack(first),
    wrong: wrong.length ? { x: stack(await Promise.all(wrong.map(input))), targets: wrong.map((i) => result.targets[i]), predicted: wrong.map((i) => result.predictions[i]) } : null,
    mean: spec.mean,
    std: spec.std,
    classes: loaders.classes,
  });
}

export async function trainCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { flags } = parseFlags('train', argv, TRAIN_FLAGS, 0);
  if (flags.help) return -1;
  if (flags.resume && !flags.out) throw new UsageError('--resume needs --out: the directory of the run to continue');
  await selectBackend(flags.backend as string | undefined);
  const c = flags.resume ? resumedConfig(String(flags.out), flags) : configFromFlags(flags);
  c.backend = getBackend();
  const out = String(flags.out ?? defaultOut(c));
  prepareOutDir(out);
  const f = files(out);
  const entry = findModel(c.model);
  const spec = dataSpec(c.data, c.dataDir ?? undefined);
  manualSeed(c.seed);
  const augment = c.augment ? new Generator(c.seed + 2) : null;
  const loaders = makeLoaders(spec, c, entry.side, augment);
  c.classes = loaders.classes;
  const trained = buildModel(entry, spec.channels, c.classes.length, c.modelOptions);
  const optimizer = makeOptimizer(trained, { name: c.optimizer, lr: c.lr, momentum: c.momentum, weightDecay: c.weightDecay });
  const scheduler = makeScheduler(c.scheduler, optimizer, c.lr, c.epochs, loaders.train.length);
  mkdirSync(out, { recursive: true });
  if (!flags.resume) writeJson(f.config, c);

  const say = (s: string): void => io.stdout.write(`${s}\n`);
  say(`${flags.resume ? 'resuming' : 'training'} ${c.model} on ${c.data} (${loaders.train.dataset.length} training, ${loaders.val?.dataset.length ?? 0} validation, ${loaders.rawTest.length} test images) with ${c.optimizer} lr ${c.lr}, ${c.epochs} epochs, batch ${c.batchSize}, backend ${c.backend}; output in ${out}`);
  const progress = new Progress(io.stdout);
  const history = await fit(trained, loaders.train, {
    optimizer, scheduler, epochs: c.epochs, valLoader: loaders.val, checkpointDir: f.checkpoints, resume: Boolean(flags.resume),
    generators: augment ? [augment] : [], signal: io.signal,
    onBatch: (p) => progress.batch(p),
    onEpoch: (r) => progress.epoch(r, c.epochs),
  });
  progress.clear();
  if (history.stopReason === 'interrupted') {
    say(`interrupted: checkpoint saved in ${f.checkpoints}; continue with: convkit train --resume --out ${out}`);
    return 130;
  }
  // Ctrl-C after training: the last epoch's checkpoint is complete, so say what was not written and how to finish
  const interrupted = (unwritten: string[]): number => {
    say(`interrupted after training: the trained model is checkpointed in ${f.checkpoints}, but ${unwritten.join(', ')} ${unwritten.length > 1 ? 'were' : 'was'} not written; write ${unwritten.length > 1 ? 'them' : 'it'} with: convkit train --resume --out ${out}`);
    return 130;
  };
  if (io.signal?.aborted) return interrupted([f.weights, f.metrics, f.report]);
  const result = await evaluate(trained, loaders.test, { topk: [1, 5] });
  if (io.signal?.aborted) return interrupted([f.weights, f.metrics, f.report]);
  // saving and the report's pictures read the weights synchronously: a GPU-trained model is copied to the host once
  const model = await onHost(trained, () => buildModel(entry, spec.channels, c.classes.length, c.modelOptions));
  save(model, f.weights, { metadata: { model: c.model, data: c.data } });
  writeJson(f.metrics, metricsJson(c, history.epochs, result));
  const shape = [1, spec.channels, entry.side, entry.side];
  const wrong = await misclassified(model, loaders, spec, entry.side, result, 32);
  const inside = await lookInside(model, loaders, spec, entry.side, result);
  if (io.signal?.aborted) return interrupted([f.report]);
  const report = renderReport({
    title: `${c.model} on ${c.data}`,
    config: { model: c.model, 'model options': JSON.stringify({ ...entry.defaults, ...c.modelOptions }), data: c.data, epochs: c.epochs, 'batch size': c.batchSize, optimizer: c.optimizer, lr: c.lr, scheduler: c.scheduler, augment: c.augment, seed: c.seed, backend: c.backend },
    history: history.epochs,
    test: result,
    classes: c.classes,
    misclassified: wrong,
    summary: summary(model, shape).toString(),
    lookInside: inside,
  });
  writeFileAtomic(f.report, new TextEncoder().encode(report)); // atomic, and a failed write (ENOSPC) names the file
  const top5 = result.topk[5] === undefined ? '' : `, top-5 ${pct(result.topk[5])}`;
  say(`test accuracy ${pct(result.accuracy)} (loss ${num(result.loss)}${top5}) on ${result.count} test images${history.stopReason === 'earlyStopping' ? ' (stopped early)' : ''}`);
  say(`wrote ${f.weights}, ${f.metrics}, ${f.report}`);
  return 0;
}

/** The model itself where its device reads synchronously, else a copy built by `build` on the host, made the current backend. */
async function onHost(model: Module, build: () => Module): Promise<Module> {
  const device = model.parameters()[0]?.device;
  if (device === undefined || readsSync(device)) return model;
  const state = model.stateDict();
  const values = await Promise.all(Object.values(state).map((t) => t.data()));
  // the rest of the command (saving, the report's pictures) runs on the host
  setBackend(hostDevice());
  const copy = build();
  copy.loadStateDict(Object.fromEntries(Object.entries(state).map(([k, t], i) => [k, tensor(values[i], { shape: t.shape, dtype: t.dtype })])));
  copy.eval();
  return copy;
}

function metricsJson(c: RunConfig, epochs: readonly EpochRecord[], r: Evaluation): object {
  return {
    testAccuracy: r.accuracy,
    testLoss: r.loss,
    testTop5Accuracy: r.topk[5] ?? null,
    epochs: epochs.map((e) => ({ epoch: e.epoch, trainLoss: e.trainLoss, trainAccuracy: e.trainAccuracy, valLoss: e.valLoss, valAccuracy: e.valAccuracy, lr: e.lr, seconds: e.seconds, imagesPerSecond: e.imagesPerSecond, timing: e.timing })),
    classes: c.classes,
    perClassAccuracy: r.perClassAccuracy,
    confusionMatrix: r.confusionMatrix,
    config: c,
  };
}


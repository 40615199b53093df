/** `convkit export`: a zoo model (with trained weights, or freshly initialised) as an ONNX file. */
import { load } from '../io/files.js';
import { saveOnnx } from '../io/onnx/node.js';
import { OPSETS } from '../io/onnx/versions.js';
import * as models from '../models/index.js';
import type { Module } from '../nn/module.js';
import { zeros } from '../ops/index.js';
import { numberFlag, parseFlags, positiveInt, UsageError, type FlagSpecs } from './args.js';
import { DATA_NAMES, dataSpec } from './datasets.js';
import { weightsConfig } from './evaluate.js';
import type { CliIO } from './train.js';
import { findModel, parseModelOptions, type ZooEntry } from './zoo.js';

export const EXPORT_FLAGS: FlagSpecs = {
  model: { type: 'string', help: 'zoo model to export (default: the run\'s, with --weights)' },
  weights: { type: 'string', help: 'model.safetensors to export (its config.json alongside supplies model, data set and options)' },
  'model-options': { type: 'string', help: 'builder options as key=value,...' },
  data: { type: 'string', choices: DATA_NAMES, help: 'data set the model is for (sets input channels and classes)' },
  'num-classes': { type: 'string', help: 'size of the last layer (default: the data set\'s, or the model\'s)' },
  'in-channels': { type: 'string', help: 'channels of the input images (default: the data set\'s, or the model\'s)' },
  'input-size': { type: 'string', help: 'height = width of the input images (default: the model\'s)' },
  format: { type: 'string', choices: ['onnx'], default: 'onnx', help: 'file format' },
  opset: { type: 'string', default: '17', help: `ONNX operator set (${OPSETS.join(', ')})` },
  'static-batch': { type: 'boolean', help: 'fix the batch size to 1 instead of a symbolic batch dim' },
  out: { type: 'string', help: 'the file to write (model.onnx)' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

const CLASS_COUNTS: Record<string, number> = { 'fashion-mnist-mini': 10, 'fashion-mnist': 10, mnist: 10, cifar10: 10 };

interface Target {
  entry: ZooEntry;
  options: Record<string, unknown>;
  data: string | null;
  classes: number | null;
  weights: string | null;
}

function target(flags: Record<string, string | boolean | undefined>): Target {
  if (flags.weights) {
    const { weights, config } = weightsConfig('export', flags);
    return { entry: findModel(config.model), options: config.modelOptions ?? {}, data: config.data, classes: config.classes?.length ?? null, weights };
  }
  if (!flags.model) throw new UsageError('convkit export: say which model with --model (see convkit models), or give --weights of a run');
  return { entry: findModel(flags.model as string), options: parseModelOptions(flags['model-options'] as string | undefined), data: (flags.data as string | undefined) ?? null, classes: null, weights: null };
}

function build(t: Target, flags: Record<string, string | boolean | undefined>): Module {
  const sizes: Record<string, number> = {};
  const classes = numberFlag('export', 'num-classes', flags['num-classes'], t.classes ?? (t.data ? CLASS_COUNTS[t.data] : NaN), positiveInt, 'a positive integer');
  const channels = numberFlag('export', 'in-channels', flags['in-channels'], t.data ? dataSpec(t.data, undefined).channels : NaN, positiveInt, 'a positive integer');
  if (Number.isInteger(classes)) sizes.numClasses = classes;
  if (Number.isInteger(channels)) sizes.inChannels = channels;
  const builder = (models as unknown as Record<string, (o: object) => Module>)[t.entry.name];
  return builder({ ...t.entry.defaults, ...t.options, ...sizes });
}

/** The channels the first convolution expects. */
function inputChannels(model: Module): number {
  const first = model.parameters().find((p) => p.ndim >= 3);
  if (!first) throw new UsageError('convkit export: the model has no convolution to take the input channels from; give --in-channels');
  return first.shape[1];
}

export async function exportCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { flags } = parseFlags('export', argv, EXPORT_FLAGS, 0);
  if (flags.help) return -1;
  const out = flags.out as string | undefined;
  if (!out) throw new UsageError('convkit export: --out is required (the .onnx file to write)');
  if ((flags.format ?? 'onnx') !== 'onnx') throw new UsageError(`convkit export: --format must be onnx, got ${String(flags.format)}`);
  const opset = numberFlag('export', 'opset', flags.opset, 17, (n) => OPSETS.includes(n), `one of ${OPSETS.join(', ')}`);
  const t = target(flags);
  const model = build(t, flags);
  if (t.weights) load(model, t.weights);
  const side = numberFlag('export', 'input-size', flags['input-size'], t.entry.side, positiveInt, 'a positive integer');
  const shape = [1, inputChannels(model), side, side];
  await saveOnnx(model, zeros(shape), out, { opset, dynamicBatch: !flags['static-batch'] });
  io.stdout.write(`wrote ${out}: ${t.entry.name}${t.weights ? ` with ${t.weights}` : ' (initial weights)'}, ONNX opset ${opset}, input [${flags['static-batch'] ? 1 : 'batch'}, ${shape.slice(1).join(', ')}]\n`);
  return 0;
}

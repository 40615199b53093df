/** `convkit eval`: a trained model's test loss, accuracy, top-5 accuracy and per-class accuracy. */
import { basename, dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { DataLoader } from '../data/dataloader.js';
import { evaluate } from '../train/evaluate.js';
import { parseFlags, numberFlag, positiveInt, UsageError, type FlagSpecs } from './args.js';
import { selectBackend } from './backend.js';
import { DATA_NAMES, dataSpec, pipeline, Transformed } from './datasets.js';
import { num, pct } from './format.js';
import { readConfig, type RunConfig } from './outputs.js';
import type { CliIO } from './train.js';
import { trainedModel, isOnnxFile } from './trained-model.js';
import { parseModelOptions } from './zoo.js';

export const EVAL_FLAGS: FlagSpecs = {
  weights: { type: 'string', help: 'model.safetensors of a run (its config.json alongside supplies --model and --data), or an .onnx model' },
  model: { type: 'string', help: 'model name, when the weights have no config.json beside them' },
  'model-options': { type: 'string', help: 'builder options as key=value,... (as for train)' },
  data: { type: 'string', choices: DATA_NAMES, help: 'data set to evaluate on (default: the run\'s)' },
  'data-dir': { type: 'string', help: 'where the data set lives' },
  'batch-size': { type: 'string', default: '256', help: 'images per batch' },
  backend: { type: 'string', help: 'compute backend' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

/** The run configuration beside `weights`, completed or overridden by flags. */
export function weightsConfig(command: string, flags: Record<string, string | boolean | undefined>): { weights: string; config: Partial<RunConfig> & { model: string; data: string } } {
  const weights = flags.weights as string | undefined;
  if (!weights) throw new UsageError(`convkit ${command}: --weights is required (a model.safetensors written by convkit train, or an .onnx model)`);
  if (!existsSync(weights)) throw new UsageError(`convkit ${command}: weights file ${weights} not found`);
  const saved = readConfig(join(dirname(weights), 'config.json'));
  // an ONNX file holds its graph: a model name only labels the output
  const model = (flags.model as string | undefined) ?? saved?.model ?? (isOnnxFile(weights) ? basename(weights) : undefined);
  if (!model) throw new UsageError(`convkit ${command}: no config.json beside ${weights}; say which model it holds with --model`);
  const data = (flags.data as string | undefined) ?? saved?.data ?? 'fashion-mnist-mini';
  const modelOptions = flags['model-options'] !== undefined ? parseModelOptions(flags['model-options'] as string) : (saved?.modelOptions ?? {});
  const dataDir = (flags['data-dir'] as string | undefined) ?? (data === saved?.data ? saved?.dataDir : null) ?? null;
  return { weights, config: { ...saved, model, data, modelOptions, dataDir } };
}

export async function evalCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { flags } = parseFlags('eval', argv, EVAL_FLAGS, 0);
  if (flags.help) return -1;
  await selectBackend(flags.backend as string | undefined);
  const { weights, config } = weightsConfig('eval', flags);
  const spec = dataSpec(config.data, config.dataDir ?? undefined);
  const test = spec.test();
  const { model, side } = await trainedModel('eval', weights, config, spec.channels, test.classes.length);
  const batchSize = numberFlag('eval', 'batch-size', flags['batch-size'], 256, positiveInt, 'a positive integer');
  const r = await evaluate(model, new DataLoader(new Transformed(test, pipeline(spec, side, null)), { batchSize }), { topk: [1, 5] });
  const say = (s: string): void => io.stdout.write(`${s}\n`);
  say(`${config.model} (${weights}) on ${config.data} test: accuracy ${pct(r.accuracy)}, loss ${num(r.loss)}${r.topk[5] === undefined ? '' : `, top-5 ${pct(r.topk[5])}`}, ${r.count} images, ${r.seconds.toFixed(1)} s`);
  test.classes.forEach((name, i) => say(`  ${name.padEnd(16)} ${pct(r.perClassAccuracy[i])}`));
  return 0;
}

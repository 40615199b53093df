/** `convkit summary <model> --input C,H,W` and `convkit models`. */
import { summary } from '../summary/index.js';
import { parseFlags, UsageError, type FlagSpecs } from './args.js';
import type { CliIO } from './train.js';
import { buildModel, findModel, parseModelOptions, ZOO } from './zoo.js';

export const SUMMARY_FLAGS: FlagSpecs = {
  input: { type: 'string', help: 'input shape C,H,W or N,C,H,W (default 1 image of the model\'s usual size)' },
  classes: { type: 'string', help: 'number of classes (default: the builder\'s)' },
  'model-options': { type: 'string', help: 'builder options as key=value,...' },
  depth: { type: 'string', default: '3', help: 'rows deeper than this are folded into their parent' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

function parseShape(text: string): number[] {
  const dims = text.split(',').map((s) => Number(s.trim()));
  if (dims.length < 3 || dims.length > 4 || !dims.every((d) => Number.isInteger(d) && d > 0)) {
    throw new UsageError(`convkit summary: --input must be C,H,W or N,C,H,W with positive integers, got '${text}'`);
  }
  return dims.length === 3 ? [1, ...dims] : dims;
}

export async function summaryCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseFlags('summary', argv, SUMMARY_FLAGS, 1);
  if (flags.help) return -1;
  if (positionals.length === 0) throw new UsageError(`convkit summary: which model? one of ${ZOO.map((e) => e.name).join(', ')}`);
  const entry = findModel(positionals[0]);
  const options = parseModelOptions(flags['model-options'] as string | undefined);
  const shape = flags.input ? parseShape(String(flags.input)) : [1, entry.name === 'lenet5' ? 1 : 3, entry.side, entry.side];
  const classes = flags.classes === undefined ? undefined : Number(flags.classes);
  if (classes !== undefined && !(Number.isInteger(classes) && classes > 0)) throw new UsageError(`convkit summary: --classes must be a positive integer, got '${String(flags.classes)}'`);
  const model = buildModel(entry, shape[1], classes ?? (entry.side === 32 ? 10 : 1000), options);
  const depth = Number(flags.depth ?? 3);
  io.stdout.write(`${summary(model, shape, { depth }).toString()}\n`);
  return 0;
}

export async function modelsCommand(argv: readonly string[], io: CliIO): Promise<number> {
  parseFlags('models', argv, {}, 0);
  const width = Math.max(...ZOO.map((e) => e.name.length));
  io.stdout.write(`${ZOO.map((e) => `${e.name.padEnd(width)}  ${String(e.side).padStart(3)}x${e.side}  ${e.about}`).join('\n')}\n`);
  return 0;
}

/** The `convkit` command: subcommands train, eval, summary, predict, inspect, export, models. */
// the public entry registers the reference backend and attaches Tensor methods
import '../index.js';
import { helpText, UsageError, type FlagSpecs } from './args.js';
import { evalCommand, EVAL_FLAGS } from './evaluate.js';
import { exportCommand, EXPORT_FLAGS } from './export.js';
import { predictCommand, PREDICT_FLAGS } from './predict.js';
import { inspectCommand, INSPECT_FLAGS } from './inspect.js';
import { modelsCommand, summaryCommand, SUMMARY_FLAGS } from './summary.js';
import { trainCommand, TRAIN_FLAGS, type CliIO } from './train.js';

interface Command {
  run: (argv: readonly string[], io: CliIO) => Promise<number>;
  usage: string;
  about: string;
  flags: FlagSpecs;
}

const COMMANDS: Record<string, Command> = {
  train: { run: trainCommand, usage: 'convkit train [--model lenet5] [--data fashion-mnist-mini] [options]', about: 'Trains a model, then writes model.safetensors, metrics.json and report.html to --out.', flags: TRAIN_FLAGS },
  eval: { run: evalCommand, usage: 'convkit eval --weights RUN/model.safetensors|MODEL.onnx [--data NAME]', about: 'Evaluates trained weights (or an ONNX model) on a test set.', flags: EVAL_FLAGS },
  summary: { run: summaryCommand, usage: 'convkit summary MODEL [--input C,H,W]', about: 'Prints the layers, output shapes, parameters and mult-adds of a model.', flags: SUMMARY_FLAGS },
  predict: { run: predictCommand, usage: 'convkit predict --weights RUN/model.safetensors|MODEL.onnx IMAGE...', about: 'Classifies PNG/JPEG files and prints the top-5 classes.', flags: PREDICT_FLAGS },
  inspect: { run: inspectCommand, usage: 'convkit inspect --weights RUN/model.safetensors [--image a.png ...] --out DIR', about: 'Writes PNGs and DIR/index.html: filters, feature maps, Grad-CAM, saliency, activation maximisation.', flags: INSPECT_FLAGS },
  export: { run: exportCommand, usage: 'convkit export --model resnet18 [--weights w.safetensors] --format onnx --out m.onnx', about: 'Writes a model (and its weights) as an ONNX file.', flags: EXPORT_FLAGS },
  models: { run: modelsCommand, usage: 'convkit models', about: 'Lists the models convkit can build.', flags: {} },
};

const overview = `usage: convkit <command> [options]\n\ncommands:\n${Object.entries(COMMANDS).map(([k, c]) => `  ${k.padEnd(8)} ${c.about}`).join('\n')}\n\nconvkit <command> --help shows a command's options.\n`;

/** Runs the CLI; returns the exit status (0 ok, 1 error, 2 usage error, 130 interrupted). */
export async function main(argv: readonly string[], io: CliIO = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(overview);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`convkit: unknown command '${name}'; commands: ${Object.keys(COMMANDS).join(', ')}\n`);
    return 2;
  }
  try {
    const status = await command.run(rest, io);
    if (status === -1) io.stdout.write(helpText(command.usage, command.about, command.flags));
    return Math.max(status, 0);
  } catch (err) {
    const e = err as Error;
    if (e instanceof UsageError) {
      // most usage errors already start with "convkit <command>:"; the rest get it, once
      const said = e.message.startsWith('convkit ') ? e.message : `convkit ${name}: ${e.message}`;
      io.stderr.write(`${said}\n(see convkit ${name} --help)\n`);
      return 2;
    }
    io.stderr.write(`convkit ${name}: ${e.message}\n`);
    if (process.env.CONVKIT_DEBUG) io.stderr.write(`${e.stack}\n`);
    return 1;
  }
}

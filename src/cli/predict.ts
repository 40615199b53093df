/** `convkit predict`: the top-5 classes, with probabilities, of image files under a trained model. */
import { readFileSync } from 'node:fs';
import { decodeImage } from '../data/node/decode.js';
import { noGrad } from '../core/autograd.js';
import { softmax } from '../nn/activation.js';
import { stack } from '../ops/indexing.js';
import { parseFlags, UsageError, type FlagSpecs } from './args.js';
import { selectBackend } from './backend.js';
import { DATA_NAMES, dataSpec, pipeline, toDataImage } from './datasets.js';
import { weightsConfig } from './evaluate.js';
import type { CliIO } from './train.js';
import { trainedModel } from './trained-model.js';
import { FashionMNIST, MNIST } from '../data/datasets/mnist.js';
import { CIFAR10 } from '../data/datasets/cifar.js';

export const PREDICT_FLAGS: FlagSpecs = {
  weights: { type: 'string', help: 'model.safetensors of a run (its config.json alongside supplies the model, data set and class names), or an .onnx model' },
  model: { type: 'string', help: 'model name, when the weights have no config.json beside them' },
  'model-options': { type: 'string', help: 'builder options as key=value,...' },
  data: { type: 'string', choices: DATA_NAMES, help: 'the data set the model was trained on (sets size, normalisation and class names)' },
  top: { type: 'string', default: '5', help: 'how many classes to list' },
  backend: { type: 'string', help: 'compute backend' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

const KNOWN_CLASSES: Record<string, readonly string[]> = { 'fashion-mnist-mini': FashionMNIST.classes, 'fashion-mnist': FashionMNIST.classes, mnist: MNIST.classes, cifar10: CIFAR10.classes };

export async function predictCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const { flags, positionals } = parseFlags('predict', argv, PREDICT_FLAGS, Infinity);
  if (flags.help) return -1;
  if (positionals.length === 0) throw new UsageError('convkit predict: give one or more image files (PNG or JPEG)');
  await selectBackend(flags.backend as string | undefined);
  const { weights, config } = weightsConfig('predict', flags);
  const spec = dataSpec(config.data, config.dataDir ?? undefined);
  const classes = config.classes?.length ? config.classes : KNOWN_CLASSES[config.data];
  if (!classes) throw new UsageError(`convkit predict: class names of ${weights} are unknown (no config.json); use --data with a known data set`);
  const { model, side } = await trainedModel('predict', weights, config, spec.channels, classes.length);
  model.eval();
  const pipe = pipeline(spec, side, null);
  const inputs = positionals.map((path) => pipe.forward(toDataImage(decodeImage(new Uint8Array(readFileSync(path)), path), spec)));
  const probs = await noGrad(() => softmax(model.call(stack(inputs)) as never, 1)).data();
  const top = Math.min(Number(flags.top ?? 5), classes.length);
  positionals.forEach((path, i) => {
    const row = Array.from(probs.subarray(i * classes.length, (i + 1) * classes.length));
    const order = row.map((p, k) => [p, k] as const).sort((a, b) => b[0] - a[0]).slice(0, top);
    io.stdout.write(`${path}\n${order.map(([p, k]) => `  ${(p * 100).toFixed(1).padStart(5)}%  ${classes[k]}`).join('\n')}\n`);
  });
  return 0;
}

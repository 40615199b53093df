/**
 * `convkit inspect`: looks inside a trained model and writes PNGs and a self-contained DIR/index.html:
 * first-layer filters, feature maps of each conv stage per image, Grad-CAM and saliency overlays, and
 * activation-maximisation images per class (or per chosen channel).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage } from '../data/node/decode.js';
import { load } from '../io/files.js';
import { manualSeed } from '../core/random.js';
import type { Tensor } from '../core/tensor.js';
import { stack } from '../ops/indexing.js';
import { findModule } from '../vis/layers.js';
import { numberFlag, nonNegative, parseFlags, positiveInt, UsageError, type FlagSpecs } from './args.js';
import { selectBackend } from './backend.js';
import { DATA_NAMES, dataSpec, pipeline, toDataImage } from './datasets.js';
import { weightsConfig } from './evaluate.js';
import { galleryPage, type Section } from './gallery.js';
import { attributionFigures, camLayer, displayable, featureMapFigures, figure, filtersFigure, maximizationFigures, predictions, stageLayers, type Figure } from './look-inside.js';
import type { Output } from './progress.js';
import type { CliIO } from './train.js';
import { buildModel, findModel } from './zoo.js';
import { FashionMNIST, MNIST } from '../data/datasets/mnist.js';
import { CIFAR10 } from '../data/datasets/cifar.js';

export const INSPECT_FLAGS: FlagSpecs = {
  weights: { type: 'string', help: 'model.safetensors of a run (its config.json alongside supplies the model, data set and class names)' },
  model: { type: 'string', help: 'model name, when the weights have no config.json beside them' },
  'model-options': { type: 'string', help: 'builder options as key=value,...' },
  data: { type: 'string', choices: DATA_NAMES, help: 'the data set the model was trained on (size, normalisation, class names, test images)' },
  'data-dir': { type: 'string', help: 'where the data set lives' },
  image: { type: 'string', help: 'a PNG or JPEG to look at (repeat the flag, or list files after it); default: test images of the data set' },
  count: { type: 'string', default: '4', help: 'how many test images to use without --image' },
  layers: { type: 'string', help: 'comma-separated layers (state-dict paths) for the feature maps (default: the conv layers, at most 6)' },
  'cam-layer': { type: 'string', help: 'the layer for Grad-CAM (default: the last conv layer with maps larger than 1x1)' },
  channels: { type: 'string', help: 'visualise these channels instead of the classes, as LAYER:0,1,2' },
  steps: { type: 'string', default: '256', help: 'optimisation steps per activation-maximisation image (0 skips them)' },
  seed: { type: 'string', default: '0', help: 'seed of the activation-maximisation images' },
  out: { type: 'string', help: 'directory for the PNGs and index.html (required)' },
  backend: { type: 'string', help: 'compute backend' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
};

const KNOWN_CLASSES: Record<string, readonly string[]> = { 'fashion-mnist-mini': FashionMNIST.classes, 'fashion-mnist': FashionMNIST.classes, mnist: MNIST.classes, cifar10: CIFAR10.classes };

/** Every `--image X` (and `--image=X`) taken out of argv, so the flag can repeat; the rest goes to parseFlags. */
function takeImages(argv: readonly string[]): [string[], string[]] {
  const images: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--image') {
      if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) throw new UsageError("convkit inspect: option '--image' needs a value");
      images.push(argv[++i]);
    } else if (argv[i].startsWith('--image=')) images.push(argv[i].slice('--image='.length));
    else rest.push(argv[i]);
  }
  return [images, rest];
}

/** `--channels layer:0,1,2` → the units to visualise. */
function channelUnits(text: string, model: Parameters<typeof findModule>[1]): { layer: string; channel: number; label: string; file: string }[] {
  const m = /^([\w.]+):(\d+(?:,\d+)*)$/.exec(text);
  if (!m) throw new UsageError(`convkit inspect: --channels must be LAYER:0,1,2 (e.g. features_detector.3:0,1), got '${text}'`);
  findModule('convkit inspect --channels', model, m[1]);
  return m[2].split(',').map(Number).map((c) => ({ layer: m[1], channel: c, label: `${m[1]} channel ${c}`, file: `channel-${m[1].replace(/\./g, '_')}-${c}.png` }));
}

/** A one-line progress bar on a terminal, nothing elsewhere. */
function stepProgress(out: Output): (image: number, images: number, step: number, steps: number) => void {
  let last = 0;
  return (image, images, step, steps) => {
    if (!out.isTTY) return;
    const now = performance.now();
    if (now - last < 100 && step < steps) return;
    last = now;
    const width = 24;
    const filled = Math.round((width * step) / steps);
    out.write(`\rimage ${image + 1}/${images} ${'█'.repeat(filled)}${'░'.repeat(width - filled)} step ${step}/${steps}\x1b[K`);
    if (step === steps && image === images - 1) out.write('\r\x1b[K');
  };
}

export async function inspectCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const [imageFlags, rest] = takeImages(argv);
  const { flags, positionals } = parseFlags('inspect', rest, INSPECT_FLAGS, imageFlags.length > 0 ? Infinity : 0);
  if (flags.help) return -1;
  if (!flags.out) throw new UsageError('convkit inspect: --out DIR is required (where the PNGs and index.html go)');
  const images = [...imageFlags, ...positionals];
  const steps = numberFlag('inspect', 'steps', flags.steps, 256, (n) => nonNegative(n) && Number.isInteger(n), 'a whole number');
  const seed = numberFlag('inspect', 'seed', flags.seed, 0, (n) => nonNegative(n) && Number.isInteger(n), 'a whole number');
  const count = numberFlag('inspect', 'count', flags.count, 4, positiveInt, 'a positive integer');
  await selectBackend(flags.backend as string | undefined);
  const { weights, config } = weightsConfig('inspect', flags);
  const entry = findModel(config.model);
  const spec = dataSpec(config.data, config.dataDir ?? undefined);
  const classes = config.classes?.length ? config.classes : KNOWN_CLASSES[config.data];
  if (!classes) throw new UsageError(`convkit inspect: class names of ${weights} are unknown (no config.json); use --data with a known data set`);
  const model = buildModel(entry, spec.channels, classes.length, config.modelOptions ?? {});
  load(model, weights);
  model.eval();
  manualSeed(seed);

  const pipe = pipeline(spec, entry.side, null);
  let inputs: Tensor[];
  let truth: (number | null)[];
  let names: string[];
  if (images.length > 0) {
    inputs = images.map((path) => pipe.forward(toDataImage(decodeImage(new Uint8Array(readFileSync(path)), path), spec)));
    truth = images.map(() => null);
    names = images.map((p) => p.split(/[\\/]/).pop()!);
  } else {
    const test = spec.test();
    const n = Math.min(count, test.length);
    const items = await Promise.all(Array.from({ length: n }, async (_, i) => test.getItem(i)));
    inputs = items.map(([img]) => pipe.forward(img));
    truth = items.map(([, y]) => y);
    names = items.map((_, i) => `test image ${i}`);
  }
  const x = stack(inputs);
  const display = displayable(x, spec.mean, spec.std);
  const tags = inputs.map((_, i) => `image${i}`);
  const { predicted, confidence } = await predictions(model, x);
  const captions = names.map((n, i) => `${n}: ${classes[predicted[i]]} (${(confidence[i] * 100).toFixed(0)}%)${truth[i] === null ? '' : `, true ${classes[truth[i]!]}`}`);
  const layers = flags.layers ? String(flags.layers).split(',').map((s) => s.trim()) : stageLayers(model);
  layers.forEach((l) => findModule('convkit inspect --layers', model, l));
  const cam = flags['cam-layer'] ? String(flags['cam-layer']) : camLayer(model, x);

  const sections: Section[] = [
    { heading: 'Filters', about: 'The first convolution layer\'s learned kernels, each scaled to its own range.', figures: [await filtersFigure(model)] },
    { heading: 'Images', about: 'The images as the model sees them (resized or padded), with its prediction.', figures: await Promise.all(captions.map((c, i) => figure(`${tags[i]}.png`, c, display.select(0, i)))) },
    { heading: 'Feature maps', about: `Every channel of ${layers.join(', ')}, each scaled to its own range (1×1 maps share one): features start simple and become more complex.`, figures: await featureMapFigures(model, x, layers, tags) },
    { heading: 'Grad-CAM and saliency', about: `Where the evidence for the predicted class lies: Grad-CAM at ${cam} (jet) and |∂logit/∂x| (inferno), over the image.`, figures: await attributionFigures(model, x, display, predicted, names, tags, cam) },
  ];
  if (steps > 0) {
    const units = flags.channels ? channelUnits(String(flags.channels), model) : classes.map((c, k) => ({ class: k, label: `class ${k} (${c})`, file: `class-${k}.png` }));
    const bar = stepProgress(io.stdout as Output);
    const figures = await maximizationFigures(model, units, { side: entry.side, channels: spec.channels, mean: spec.mean, std: spec.std, steps, seed, onStep: (i, n, s) => bar(i, n, s, steps) });
    sections.push({ heading: 'Activation maximisation', about: `Images that drive each unit up (${steps} Adam steps from a seeded start, Fourier parameterisation, transformation robustness); captions give the activation at the start → at the end.`, figures });
  }
  const out = String(flags.out);
  mkdirSync(out, { recursive: true });
  const all: Figure[] = sections.flatMap((s) => [...s.figures]);
  for (const f of all) writeFileSync(join(out, f.file), f.png);
  writeFileSync(join(out, 'index.html'), galleryPage(`Inside ${config.model} (${weights})`, `${config.model} trained on ${config.data}; ${inputs.length} image${inputs.length === 1 ? '' : 's'}.`, sections));
  io.stdout.write(`wrote ${all.length} PNGs and ${join(out, 'index.html')}\n`);
  return 0;
}

/** The models the CLI can build: ck.models' builders with the input size each expects. */
import type { Module } from '../nn/module.js';
import * as models from '../models/index.js';
import { UsageError } from './args.js';

export interface ZooEntry {
  name: string;
  /** Height = width of the images the model is built for. */
  side: number;
  about: string;
  /** Options the CLI passes unless --model-options says otherwise. */
  defaults?: Record<string, string | number | boolean>;
}

export const ZOO: readonly ZooEntry[] = [
  { name: 'lenet5', side: 32, about: 'LeNet-5 (LeCun et al. 1998), 61,706 parameters; the CLI trains the ReLU/max-pool variant unless --model-options activation=sigmoid,pool=avg', defaults: { activation: 'relu', pool: 'max' } },
  { name: 'simpleCnn', side: 32, about: "the lecture's small CNN: two stride-2 5x5 convolutions and a linear layer" },
  { name: 'residualNet', side: 32, about: "the lecture's ResidualNet (residual blocks with BatchNorm)" },
  { name: 'alexnet', side: 224, about: 'AlexNet (torchvision layout)' },
  ...['vgg11', 'vgg13', 'vgg16', 'vgg19', 'vgg11Bn', 'vgg13Bn', 'vgg16Bn', 'vgg19Bn'].map((name) => ({ name, side: 224, about: `VGG-${name.slice(3, 5)}${name.endsWith('Bn') ? ' with BatchNorm' : ''}` })),
  ...['resnet18', 'resnet34', 'resnet50', 'resnet101', 'resnet152'].map((name) => ({ name, side: 224, about: `ResNet-${name.slice(6)}` })),
  { name: 'resnext50_32x4d', side: 224, about: 'ResNeXt-50 32x4d' },
  { name: 'googlenet', side: 224, about: 'GoogLeNet (Inception v1)' },
  { name: 'inceptionV3', side: 299, about: 'Inception v3' },
  { name: 'xception', side: 299, about: 'Xception (Keras layout)' },
  { name: 'inceptionResnetV2', side: 299, about: 'Inception-ResNet-v2 (Keras layout)' },
];

const key = (s: string): string => s.toLowerCase().replace(/[-_]/g, '');

export function findModel(name: string): ZooEntry {
  const entry = ZOO.find((e) => key(e.name) === key(name));
  if (!entry) throw new UsageError(`unknown model '${name}'; available: ${ZOO.map((e) => e.name).join(', ')} (see convkit models)`);
  return entry;
}

/** 'a=1,b=relu,c=true' as an options object (numbers and booleans converted). */
export function parseModelOptions(text: string | undefined): Record<string, string | number | boolean> {
  if (!text) return {};
  const out: Record<string, string | number | boolean> = {};
  for (const part of text.split(',')) {
    const m = /^\s*([A-Za-z_]\w*)\s*=\s*(.+?)\s*$/.exec(part);
    if (!m) throw new UsageError(`--model-options: expected key=value pairs separated by commas, got '${part}'`);
    const v = m[2];
    out[m[1]] = v === 'true' ? true : v === 'false' ? false : Number.isFinite(Number(v)) ? Number(v) : v;
  }
  return out;
}

/** Builds a zoo model for `channels`-channel images and `numClasses` classes. */
export function buildModel(entry: ZooEntry, channels: number, numClasses: number, options: Record<string, unknown>): Module {
  const builder = (models as unknown as Record<string, (o: object) => Module>)[entry.name];
  return builder({ ...entry.defaults, ...options, numClasses, inChannels: channels });
}

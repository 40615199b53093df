import { join } from 'node:path';
import type { Image } from '../image.js';
import { CIFAR10, CIFAR10_HELP, parseCifarBatch, type CifarBatch } from '../datasets/cifar.js';
import { registerRootReader, TRANSFORMS, type VisionDatasetOptions } from '../datasets/vision.js';
import { check, is, parseArgs, signature, withSignature, type ArgsOf } from '../../core/args.js';
import { findFile, isDirectory, readMaybeGzip } from './files.js';

export interface CifarLoadOptions<X> extends VisionDatasetOptions<X> {
  /** The directory with data_batch_1.bin ... test_batch.bin, or its parent holding cifar-10-batches-bin/. */
  root: string;
  train?: boolean;
}

const LOAD_CIFAR10 = signature('loadCIFAR10', null, [['root', check<string>('a directory path (a string)', (v) => typeof v === 'string')]], [['train', is.bool], ...TRANSFORMS]);


/** CIFAR-10 from its binary batches: the five training batches in order, or test_batch. */
export function loadCIFAR10<X = Image>(opts: CifarLoadOptions<X>): CIFAR10<X>;
export function loadCIFAR10<X = Image>(...args: ArgsOf<typeof LOAD_CIFAR10>): CIFAR10<X>;
export function loadCIFAR10<X = Image>(...args: unknown[]): CIFAR10<X> {
  const opts = parseArgs(LOAD_CIFAR10, args) as CifarLoadOptions<X>;
  const { data, dir } = readBatches(opts.root, opts.train ?? true);
  const dataset = new CIFAR10<X>(data, { transform: opts.transform, targetTransform: opts.targetTransform });
  dataset.root = dir;
  return dataset;
}

/** The parsed batches of a split: the five training batches in order, or test_batch. */
function readBatches(root: string, train: boolean): { data: CifarBatch[]; dir: string } {
  const dir = [join(root, 'cifar-10-batches-bin'), root].find((d) => isDirectory(d) && findFile(d, ['test_batch.bin']));
  const names = train ? [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`) : ['test_batch.bin'];
  const paths = names.map((n) => (dir ? findFile(dir, [n]) : null));
  const absent = names.filter((_, i) => paths[i] === null);
  if (!dir || absent.length) {
    throw new Error(`CIFAR10: no ${train ? 'training' : 'test'} batches found. Looked in: ${root} and ${join(root, 'cifar-10-batches-bin')} (missing ${dir ? absent.join(', ') : 'test_batch.bin'}). ${CIFAR10_HELP}`);
  }
  return { data: paths.map((p) => parseCifarBatch(readMaybeGzip(p as string), p as string)), dir };
}

// torchvision's form, new CIFAR10(root, train, ...), reads through this
registerRootReader('CIFAR10', readBatches);

withSignature(loadCIFAR10, LOAD_CIFAR10);

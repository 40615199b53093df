import { join } from 'node:path';
import type { Image } from '../image.js';
import { CIFAR10, parseCifarBatch } from '../datasets/cifar.js';
import type { VisionDatasetOptions } from '../datasets/vision.js';
import { findFile, isDirectory, readMaybeGzip } from './files.js';

export interface CifarLoadOptions<X> extends VisionDatasetOptions<X> {
  /** The directory with data_batch_1.bin ... test_batch.bin, or its parent holding cifar-10-batches-bin/. */
  root: string;
  train?: boolean;
}

const HELP = 'Download the "CIFAR-10 binary version" (cifar-10-binary.tar.gz) from the CIFAR-10 site, extract it, and pass root: the cifar-10-batches-bin directory or its parent.';

/** CIFAR-10 from its binary batches: the five training batches in order, or test_batch. */
export function loadCIFAR10<X = Image>(opts: CifarLoadOptions<X>): CIFAR10<X> {
  const train = opts.train ?? true;
  if (typeof opts?.root !== 'string') throw new TypeError(`CIFAR10: root must be a directory path (a string), got ${opts?.root === null ? 'null' : typeof opts?.root} (no default location exists). ${HELP}`);
  const dir = [join(opts.root, 'cifar-10-batches-bin'), opts.root].find((d) => isDirectory(d) && findFile(d, ['test_batch.bin']));
  const names = train ? [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`) : ['test_batch.bin'];
  const paths = names.map((n) => (dir ? findFile(dir, [n]) : null));
  const absent = names.filter((_, i) => paths[i] === null);
  if (!dir || absent.length) {
    throw new Error(`CIFAR10: no ${train ? 'training' : 'test'} batches found. Looked in: ${opts.root} and ${join(opts.root, 'cifar-10-batches-bin')} (missing ${dir ? absent.join(', ') : 'test_batch.bin'}). ${HELP}`);
  }
  const dataset = new CIFAR10<X>(paths.map((p) => parseCifarBatch(readMaybeGzip(p as string), p as string)), { transform: opts.transform, targetTransform: opts.targetTransform });
  dataset.root = dir;
  return dataset;
}

import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Image } from '../image.js';
import { idxDeclaredSize, parseIdx } from '../datasets/idx.js';
import { FashionMNIST, MNIST } from '../datasets/mnist.js';
import type { VisionDatasetOptions } from '../datasets/vision.js';
import { findFile, isDirectory, readMaybeGzip } from './files.js';

/** Where Debian's `dataset-fashion-mnist` package installs the full data set. */
export const DEBIAN_FASHION_MNIST = '/usr/share/datasets/fashion-mnist';
/** The repository's built-in slice (10,000 training and 2,000 test images; see data/fashion-mnist/README.md). */
export const BUILTIN_FASHION_MNIST = fileURLToPath(new URL('../../../data/fashion-mnist/', import.meta.url)).replace(/\/$/, '');

export interface IdxLoadOptions<X> extends VisionDatasetOptions<X> {
  /** A directory holding the IDX files (plain or .gz; torchvision's <root>/<Name>/raw layout works too). */
  root?: string;
  /** The training split (default) or the test split. */
  train?: boolean;
}

type IdxDatasetClass = typeof MNIST | typeof FashionMNIST;

function splitFiles(train: boolean): [string, string] {
  const prefix = train ? 'train' : 't10k';
  return [`${prefix}-images-idx3-ubyte`, `${prefix}-labels-idx1-ubyte`];
}

/** Why `dir` does not hold the split, or null when it does. */
function missing(dir: string, folder: string, files: [string, string]): string | null {
  const dirs = [dir, join(dir, folder, 'raw')];
  if (!isDirectory(dir)) return `${dir} (no such directory)`;
  const absent = files.filter((f) => !dirs.some((d) => isDirectory(d) && findFile(d, [f])));
  return absent.length ? `${dir} (no ${absent.map((f) => `${f}[.gz]`).join(' or ')})` : null;
}

function load<X>(cls: IdxDatasetClass, folder: string, defaults: string[], help: string, opts: IdxLoadOptions<X>): MNIST<X> {
  if (opts === null || typeof opts !== 'object') throw new TypeError(`${cls.name}: expected an options object, got ${opts === null ? 'null' : typeof opts}`);
  if (opts.root !== undefined && typeof opts.root !== 'string') throw new TypeError(`${cls.name}: root must be a directory path (a string), got ${opts.root === null ? 'null' : typeof opts.root}`);
  const train = opts.train ?? true;
  const files = splitFiles(train);
  const roots = opts.root !== undefined ? [opts.root] : defaults;
  const problems: string[] = [];
  for (const root of roots) {
    const why = missing(root, folder, files);
    if (why) {
      problems.push(why);
      continue;
    }
    const dir = [root, join(root, folder, 'raw')].find((d) => isDirectory(d) && findFile(d, [files[0]]) && findFile(d, [files[1]]));
    if (!dir) {
      problems.push(`${root} (the images and labels files are in different folders)`);
      continue;
    }
    const [imagesPath, labelsPath] = files.map((f) => findFile(dir, [f]) as string);
    const dataset = new cls<X>(parseIdx(readMaybeGzip(imagesPath, idxDeclaredSize), imagesPath), parseIdx(readMaybeGzip(labelsPath, idxDeclaredSize), labelsPath), { transform: opts.transform, targetTransform: opts.targetTransform });
    dataset.root = dir;
    return dataset;
  }
  throw new Error(`${cls.name}: no ${train ? 'training' : 'test'} data found. Looked in: ${problems.join('; ')}. ${help}`);
}

/**
 * Fashion-MNIST from IDX files. Without `root` it uses Debian's full data set when installed, else the
 * repository's built-in slice.
 */
export function loadFashionMNIST<X = Image>(opts: IdxLoadOptions<X> = {}): FashionMNIST<X> {
  const help = 'Install the full data set with `apt-get install dataset-fashion-mnist`, or pass a root directory holding train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz.';
  return load(FashionMNIST, 'FashionMNIST', [DEBIAN_FASHION_MNIST, BUILTIN_FASHION_MNIST], help, opts) as FashionMNIST<X>;
}

/** MNIST from IDX files in `root` (no copy ships with convkit or Debian). */
export function loadMNIST<X = Image>(opts: IdxLoadOptions<X> = {}): MNIST<X> {
  const help = 'Pass root: a directory holding the four MNIST IDX files (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-...), e.g. as torchvision downloads them into <root>/MNIST/raw.';
  return load(MNIST, 'MNIST', opts.root !== undefined ? [] : [join(process.cwd(), 'data', 'mnist')], help, opts);
}

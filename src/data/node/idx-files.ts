import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { Image } from '../image.js';
import { idxDeclaredSize, parseIdx, type IdxArray } from '../datasets/idx.js';
import { FashionMNIST, MNIST } from '../datasets/mnist.js';
import { registerRootReader, TRANSFORMS, type VisionDatasetOptions } from '../datasets/vision.js';
import { check, is, parseArgs, signature, withSignature, type ArgsOf } from '../../core/args.js';
import { findFile, isDirectory, readMaybeGzip } from './files.js';

/** Where Debian's `dataset-fashion-mnist` package installs the full data set. */
export const DEBIAN_FASHION_MNIST = '/usr/share/datasets/fashion-mnist';
/** The repository's built-in slice (10,000 training and 2,000 test images; see data/fashion-mnist/README.md). */
export const BUILTIN_FASHION_MNIST = fileURLToPath(new URL('../../../data/fashion-mnist/', import.meta.url)).replace(/\/$/, '');

/** torchvision's MNIST(root, train, transform, target_transform): nothing downloads, so no download parameter. */
const LOAD_FASHION_MNIST = signature('loadFashionMNIST', null, [], [['root', check<string>('a directory path (a string)', (v) => typeof v === 'string')], ['train', is.bool], ...TRANSFORMS]);
const LOAD_MNIST = signature('loadMNIST', null, [], LOAD_FASHION_MNIST.optional);

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

/** The parsed images and labels of a split, and the folder they came from (the first root that has them). */
function findIdx(name: string, folder: string, roots: readonly string[], help: string, train: boolean): { data: { images: IdxArray; labels: IdxArray }; dir: string } {
  const files = splitFiles(train);
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
    return { data: { images: parseIdx(readMaybeGzip(imagesPath, idxDeclaredSize), imagesPath), labels: parseIdx(readMaybeGzip(labelsPath, idxDeclaredSize), labelsPath) }, dir };
  }
  throw new Error(`${name}: no ${train ? 'training' : 'test'} data found. Looked in: ${problems.join('; ')}. ${help}`);
}

function load<X>(cls: IdxDatasetClass, folder: string, defaults: string[], help: string, opts: IdxLoadOptions<X>): MNIST<X> {
  if (opts === null || typeof opts !== 'object') throw new TypeError(`${cls.name}: expected an options object, got ${opts === null ? 'null' : typeof opts}`);
  if (opts.root !== undefined && typeof opts.root !== 'string') throw new TypeError(`${cls.name}: root must be a directory path (a string), got ${opts.root === null ? 'null' : typeof opts.root}`);
  const { data, dir } = findIdx(cls.name, folder, opts.root !== undefined ? [opts.root] : defaults, help, opts.train ?? true);
  const dataset = new cls<X>(data.images, data.labels, { transform: opts.transform, targetTransform: opts.targetTransform });
  dataset.root = dir;
  return dataset;
}

const FASHION_HELP = 'Install the full data set with `apt-get install dataset-fashion-mnist`, or pass a root directory holding train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz.';
const MNIST_HELP = 'Pass root: a directory holding the four MNIST IDX files (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-...), e.g. as torchvision downloads them into <root>/MNIST/raw.';
// torchvision's form, new MNIST(root, train, ...), reads through these
registerRootReader('MNIST', (root, train) => findIdx('MNIST', 'MNIST', [root], MNIST_HELP, train));
registerRootReader('FashionMNIST', (root, train) => findIdx('FashionMNIST', 'FashionMNIST', [root], FASHION_HELP, train));

/**
 * Fashion-MNIST from IDX files. Without `root` it uses Debian's full data set when installed, else the
 * repository's built-in slice.
 */
export function loadFashionMNIST<X = Image>(opts?: IdxLoadOptions<X>): FashionMNIST<X>;
export function loadFashionMNIST<X = Image>(...args: ArgsOf<typeof LOAD_FASHION_MNIST>): FashionMNIST<X>;
export function loadFashionMNIST<X = Image>(...args: unknown[]): FashionMNIST<X> {
  const { root, ...rest } = parseArgs(LOAD_FASHION_MNIST, args);
  const opts = { ...rest, root: root ?? undefined } as IdxLoadOptions<X>;
  return load(FashionMNIST, 'FashionMNIST', [DEBIAN_FASHION_MNIST, BUILTIN_FASHION_MNIST], FASHION_HELP, opts) as FashionMNIST<X>;
}

/** MNIST from IDX files in `root` (no copy ships with convkit or Debian). */
export function loadMNIST<X = Image>(opts?: IdxLoadOptions<X>): MNIST<X>;
export function loadMNIST<X = Image>(...args: ArgsOf<typeof LOAD_MNIST>): MNIST<X>;
export function loadMNIST<X = Image>(...args: unknown[]): MNIST<X> {
  const { root, ...rest } = parseArgs(LOAD_MNIST, args);
  const opts = { ...rest, root: root ?? undefined } as IdxLoadOptions<X>;
  return load(MNIST, 'MNIST', [join(process.cwd(), 'data', 'mnist')], MNIST_HELP, opts);
}

withSignature(loadFashionMNIST, LOAD_FASHION_MNIST);
withSignature(loadMNIST, LOAD_MNIST);

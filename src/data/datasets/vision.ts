import type { Image } from '../image.js';
import { check, is, parseArgs, signature, type Signature } from '../../core/args.js';
import { applyTransform, Transform, type TransformLike } from '../transforms/transforms.js';
import { Dataset } from '../dataset.js';

/** A dataset's transform and targetTransform, positional after its data as torchvision's after root and train. */
export const TRANSFORMS = [
  ['transform', is.nullable(check<TransformLike>('a Transform or a function', (v) => v instanceof Transform || typeof v === 'function'))],
  ['targetTransform', is.nullable(is.function)],
] as const;

/** torchvision's form of a data set class: (root, train, transform, target_transform, download). */
export function rootSignature(name: string, torch: string) {
  return signature(name, torch, [['root', check<string>('a directory path (a string)', (v) => typeof v === 'string')]], [['train', is.bool], ...TRANSFORMS, ['download', is.bool]]);
}

/** Reads a data set's files from a directory: registered by convkit/node, absent in browsers. */
export type RootReader = (root: string, train: boolean) => { data: unknown; dir: string };
const readers = new Map<string, RootReader>();

export function registerRootReader(name: string, reader: RootReader): void {
  readers.set(name, reader);
}

/**
 * The torchvision form `new MNIST(root, train, transform, targetTransform, download)`: the files under root,
 * read by the reader convkit/node registered. `download: true` is an error (convkit never downloads); `help`
 * says where to get the data.
 */
export function readRoot<X>(sig: Signature, args: ArrayLike<unknown>, help: string): { data: unknown; dir: string; opts: VisionDatasetOptions<X> } {
  const { root, train = true, download = false, transform, targetTransform } = parseArgs(sig, args) as unknown as { root: string; train?: boolean; download?: boolean } & VisionDatasetOptions<X>;
  if (download) throw new Error(`${sig.name}: convkit never downloads data (download: true was given). ${help}`);
  const reader = readers.get(sig.name);
  if (!reader) {
    throw new Error(`${sig.name}: reading files from root '${root}' needs convkit/node (import * as ck from 'convkit/node'); in a browser, pass the parsed data instead (see docs/data.md)`);
  }
  const { data, dir } = reader(root, train);
  return { data, dir, opts: { transform, targetTransform } };
}

export interface VisionDatasetOptions<X> {
  /** Applied to each Image, typically `new Compose([new ToTensor(), new Normalize(...)])`. */
  transform?: TransformLike<Image, X>;
  /** Applied to each label. */
  targetTransform?: (target: number) => number;
}

/**
 * Labelled images held in memory: the shared part of MNIST, Fashion-MNIST and CIFAR-10. Subclasses
 * say how to cut image `index` out of their storage.
 */
export abstract class LabelledImages<X = Image> extends Dataset<[X, number]> {
  abstract readonly classes: readonly string[];
  /** The directory the data came from, when it was read from disk. */
  root: string | undefined;
  protected readonly transform?: TransformLike<Image, X>;
  protected readonly targetTransform?: (target: number) => number;

  constructor(readonly targets: Int32Array, opts: VisionDatasetOptions<X>) {
    super();
    this.transform = opts.transform ?? undefined;
    this.targetTransform = opts.targetTransform ?? undefined;
  }

  get length(): number {
    return this.targets.length;
  }

  protected abstract image(index: number): Image;

  getItem(index: number): [X, number] {
    this.checkIndex(index);
    const img = this.image(index);
    const x = this.transform ? applyTransform(this.transform, img) : (img as X);
    const y = this.targetTransform ? this.targetTransform(this.targets[index]) : this.targets[index];
    return [x, y];
  }

  /** Checks every label is a class index, naming the data set and the offending sample. */
  protected checkTargets(what: string): void {
    const bad = this.targets.findIndex((t) => t < 0 || t >= this.classes.length);
    if (bad >= 0) throw new RangeError(`${what}: label ${this.targets[bad]} of sample ${bad} is not a class index 0..${this.classes.length - 1}`);
  }
}

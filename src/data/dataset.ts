import { fmt } from '../core/shape.js';
import { check, is, parseArgs, signature, withSignature, type ArgsOf } from '../core/args.js';
import { Tensor } from '../core/tensor.js';
import { select } from '../ops/views.js';
import { defaultGenerator, permutation, type Generator } from '../core/random.js';

/**
 * A map-style dataset, as torch.utils.data.Dataset: `length` samples reached by `getItem(index)`.
 * `getItem` may return a promise (files read on demand); the DataLoader awaits it and overlaps the
 * reading of the next batch with the training step on the current one.
 */
export abstract class Dataset<T = unknown> {
  abstract get length(): number;
  abstract getItem(index: number): T | Promise<T>;

  /** Throws the error every dataset gives for an index outside 0..length-1 (negative indices are not wrapped). */
  protected checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new RangeError(`${this.constructor.name}: index ${index} is out of range for a dataset of ${this.length} samples`);
    }
  }
}

/** Samples are the index-th rows of tensors that share their first dimension, as torch's TensorDataset. */
/** torch's TensorDataset(*tensors): samples are the tensors' rows, indexed together. */
const TENSOR_DATASET = signature('TensorDataset', 'torch.utils.data.', [], [], [], ['tensors', is.tensor]);

export class TensorDataset extends Dataset<Tensor[]> {
  readonly tensors: Tensor[];

  constructor(...tensors: Tensor[]) {
    super();
    const given = (parseArgs(TENSOR_DATASET, tensors) as { tensors?: Tensor[] }).tensors ?? [];
    if (given.length === 0) throw new RangeError('TensorDataset: expected at least one tensor');
    tensors = given;
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor) || t.ndim === 0) throw new TypeError(`TensorDataset: argument ${i} must be a tensor with at least one dim`);
      if (t.shape[0] !== tensors[0].shape[0]) {
        throw new RangeError(`TensorDataset: size mismatch between tensors: tensor 0 is ${fmt(tensors[0].shape)}, tensor ${i} is ${fmt(t.shape)}`);
      }
    });
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0].shape[0];
  }

  getItem(index: number): Tensor[] {
    this.checkIndex(index);
    return this.tensors.map((t) => select(t, 0, index));
  }
}

/** The samples of `dataset` at `indices`, as torch's Subset. */
const DATASET = check<Dataset>('a Dataset (an object with getItem(index) and a length)', (v) => typeof (v as Dataset | null)?.getItem === 'function');
const SUBSET = signature('Subset', 'torch.utils.data.', [['dataset', DATASET], ['indices', is.ints]], []);
const RANDOM_SPLIT = signature('randomSplit', 'torch.utils.data.', [['dataset', DATASET], ['lengths', is.numbers]], [['generator', is.nullable(is.generator)]]);

export class Subset<T> extends Dataset<T> {
  readonly dataset: Dataset<T>;
  readonly indices: readonly number[];

  constructor(dataset: Dataset<T>, indices: readonly number[]);
  constructor(...args: ArgsOf<typeof SUBSET>);
  constructor(...args: unknown[]) {
    super();
    const { dataset, indices } = parseArgs(SUBSET, args) as { dataset: Dataset<T>; indices: readonly number[] };
    this.dataset = dataset;
    this.indices = indices;
    indices.forEach((i) => {
      if (!Number.isInteger(i) || i < 0 || i >= dataset.length) throw new RangeError(`Subset: index ${i} is out of range for a dataset of ${dataset.length} samples`);
    });
  }

  get length(): number {
    return this.indices.length;
  }

  getItem(index: number): T | Promise<T> {
    this.checkIndex(index);
    return this.dataset.getItem(this.indices[index]);
  }
}

/**
 * Splits a dataset into non-overlapping random subsets of the given lengths (counts, or fractions that sum
 * to 1, the remainder going round-robin from the first), as torch.utils.data.random_split.
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], opts?: { generator?: Generator }): Subset<T>[];
export function randomSplit<T>(...args: ArgsOf<typeof RANDOM_SPLIT>): Subset<T>[];
export function randomSplit<T>(...args: unknown[]): Subset<T>[] {
  const { dataset, lengths, generator } = parseArgs(RANDOM_SPLIT, args) as { dataset: Dataset<T>; lengths: readonly number[]; generator?: Generator | null };
  const opts = { generator: generator ?? undefined };
  const n = dataset.length;
  let counts = lengths.slice();
  const fractions = counts.reduce((a, b) => a + b, 0);
  if (counts.every((v) => v >= 0 && v <= 1) && Math.abs(fractions - 1) < 1e-9 && n !== 1) {
    counts = lengths.map((f) => Math.floor(n * f));
    const remainder = n - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) counts[i % counts.length] += 1;
  }
  if (counts.some((v) => !Number.isInteger(v) || v < 0) || counts.reduce((a, b) => a + b, 0) !== n) {
    throw new RangeError(`randomSplit: sum of input lengths ${fmt(lengths)} does not equal the length of the input dataset (${n})`);
  }
  const perm = Array.from(permutation(n, opts.generator ?? defaultGenerator));
  let start = 0;
  return counts.map((len) => {
    start += len;
    return new Subset(dataset, perm.slice(start - len, start));
  });
}

withSignature(Subset, SUBSET);
withSignature(randomSplit, RANDOM_SPLIT);

withSignature(TensorDataset, TENSOR_DATASET);

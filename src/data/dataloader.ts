import { check, is, parseArgs, signature, withSignature, type ArgsOf } from '../core/args.js';
import { defaultGenerator, permutation, type Generator } from '../core/random.js';
import type { Tensor } from '../core/tensor.js';
import { defaultCollate } from './collate.js';
import type { Dataset } from './dataset.js';

export interface DataLoaderOptions<T, B> {
  batchSize?: number;
  /** Reshuffles the order at the start of every pass. */
  shuffle?: boolean;
  /** Drops the last batch when it would be smaller than batchSize. */
  dropLast?: boolean;
  /** The generator the shuffle draws from (the default generator otherwise). */
  generator?: Generator;
  /** Turns a list of samples into a batch; `defaultCollate` stacks tensors and turns labels into int32 tensors. */
  collateFn?: (samples: T[]) => B;
  /** How many batches to start preparing ahead of the one being consumed (async iteration; default 1, 0 turns it off). */
  prefetch?: number;
}

/** PyTorch's worker and sampler machinery has no counterpart here: those parameters take only their defaults. */
const NONE = check<null>('null (not supported by convkit)', (v) => v === null);
const DATALOADER = signature('DataLoader', 'torch.utils.data.', [['dataset', is.any]], [
  ['batchSize', is.int], ['shuffle', is.bool], ['sampler', NONE], ['batchSampler', NONE],
  ['numWorkers', check<0>('0 (convkit loads on the main thread and prefetches asynchronously)', (v) => v === 0)],
  ['collateFn', is.nullable(is.function)], ['pinMemory', check<false>('false', (v) => v === false)], ['dropLast', is.bool],
  ['timeout', check<0>('0', (v) => v === 0)], ['workerInitFn', NONE], ['multiprocessingContext', NONE], ['generator', is.nullable(is.generator)],
], [['prefetchFactor', NONE], ['persistentWorkers', check<false>('false', (v) => v === false)], ['pinMemoryDevice', check<''>(`''`, (v) => v === '')], ['prefetch', is.int]]);

function isPromise(v: unknown): v is Promise<unknown> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

/**
 * Batches of a dataset, as torch.utils.data.DataLoader: `for await (const [x, y] of loader)`.
 * While one batch trains, the samples of the next are already requested: datasets that read files
 * asynchronously (ImageFolder) load them during the step. A synchronous `for ... of` works too when
 * every `getItem` is synchronous.
 */
export class DataLoader<T = unknown, B = Tensor[]> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  readonly generator: Generator | undefined;
  readonly prefetch: number;
  // typed on unknown samples so that a loader of specific samples is usable where any loader is expected
  private readonly collate: (samples: unknown[]) => B;

  readonly dataset: Dataset<T>;

  constructor(dataset: Dataset<T>, opts?: DataLoaderOptions<T, B>);
  constructor(...args: ArgsOf<typeof DATALOADER>);
  constructor(...args: unknown[]) {
    const parsed = parseArgs(DATALOADER, args);
    const dataset = parsed.dataset as Dataset<T>;
    const opts = { ...parsed, generator: parsed.generator ?? undefined, collateFn: parsed.collateFn ?? undefined } as DataLoaderOptions<T, B>;
    const { batchSize = 1, shuffle = false, dropLast = false, prefetch = 1 } = opts;
    if (!dataset || typeof dataset.getItem !== 'function' || !Number.isInteger(dataset.length)) {
      throw new TypeError('DataLoader: expected a Dataset (an object with getItem(index) and an integer length)');
    }
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new RangeError(`DataLoader: batchSize should be a positive integer, got ${batchSize}`);
    if (!Number.isInteger(prefetch) || prefetch < 0) throw new RangeError(`DataLoader: prefetch should be a non-negative integer, got ${prefetch}`);
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.generator = opts.generator;
    this.prefetch = prefetch;
    this.collate = (opts.collateFn as ((samples: unknown[]) => B) | undefined) ?? ((samples: unknown[]) => defaultCollate(samples) as B);
  }

  /** The number of batches in one pass. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The sample indices of each batch of one pass; with shuffle this draws a new permutation. */
  batchIndices(): number[][] {
    const n = this.dataset.length;
    // a host-side permutation: shuffling never touches a device
    const order = this.shuffle ? Array.from(permutation(n, this.generator ?? defaultGenerator)) : Array.from({ length: n }, (_, i) => i);
    const batches: number[][] = [];
    for (let b = 0; b < this.length; b++) batches.push(order.slice(b * this.batchSize, (b + 1) * this.batchSize));
    return batches;
  }

  private async fetch(indices: readonly number[]): Promise<B> {
    indices.forEach((i) => {
      if (!Number.isInteger(i) || i < 0 || i >= this.dataset.length) throw new RangeError(`DataLoader: sample index ${i} is out of range for a dataset of ${this.dataset.length}`);
    });
    const samples = indices.map((i) => this.dataset.getItem(i));
    return this.collate(await Promise.all(samples));
  }

  [Symbol.asyncIterator](): AsyncGenerator<B, void, undefined> {
    return this.iterate(this.batchIndices());
  }

  /**
   * The batches of a given order (from `batchIndices()`), starting at batch `start`: how a training loop
   * resumes an interrupted pass in the same order.
   */
  async *iterate(order: readonly (readonly number[])[], start = 0): AsyncGenerator<B, void, undefined> {
    const queue: Promise<B>[] = [];
    let next = start;
    const refill = (target: number): void => {
      while (next < order.length && queue.length < target) {
        const p = this.fetch(order[next++]);
        // a batch prepared ahead may fail after the consumer stopped; its error surfaces when awaited
        p.catch(() => undefined);
        queue.push(p);
      }
    };
    refill(1);
    while (queue.length > 0) {
      const batch = await queue.shift()!;
      // requested now, so their reads run while the consumer trains on `batch`
      refill(this.prefetch);
      yield batch;
      refill(1);
    }
  }

  *[Symbol.iterator](): Iterator<B> {
    for (const indices of this.batchIndices()) {
      const samples = indices.map((i) => this.dataset.getItem(i));
      if (samples.some(isPromise)) {
        throw new TypeError(`DataLoader: ${this.dataset.constructor.name}.getItem returns promises; iterate with \`for await\``);
      }
      yield this.collate(samples);
    }
  }
}

withSignature(DataLoader, DATALOADER);

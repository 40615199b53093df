/** Dataset, TensorDataset, DataLoader: batching, ordering, seeding, collation, prefetch. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';

class Numbers extends ck.data.Dataset<number> {
  requested: number[] = [];
  constructor(readonly n: number) {
    super();
  }
  get length(): number {
    return this.n;
  }
  getItem(i: number): number {
    this.checkIndex(i);
    this.requested.push(i);
    return i;
  }
}

async function collect<B>(loader: AsyncIterable<B>): Promise<B[]> {
  const out: B[] = [];
  for await (const b of loader) out.push(b);
  return out;
}

const flat = (batches: ck.Tensor[]): number[] => batches.flatMap((b) => b.toArray() as number[]);

test('sequential batches: sizes, order, dropLast and length', async () => {
  const loader = new ck.data.DataLoader<number, ck.Tensor>(new Numbers(10), { batchSize: 4 });
  const batches = await collect(loader);
  assert.equal(loader.length, 3);
  assert.deepEqual(batches.map((b) => b.toArray()), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  assert.equal(batches[0].dtype, 'int32');
  const dropped = new ck.data.DataLoader<number, ck.Tensor>(new Numbers(10), { batchSize: 4, dropLast: true });
  assert.equal(dropped.length, 2);
  assert.deepEqual(flat(await collect(dropped)), [0, 1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(flat([...new ck.data.DataLoader<number, ck.Tensor>(new Numbers(5), { batchSize: 2 })]), [0, 1, 2, 3, 4]);
});

test('shuffle: a permutation per pass, reproducible from a seeded generator, new each pass', async () => {
  const run = async (seed: number): Promise<number[][]> => {
    const loader = new ck.data.DataLoader<number, ck.Tensor>(new Numbers(20), { batchSize: 8, shuffle: true, generator: new ck.Generator(seed) });
    return [flat(await collect(loader)), flat(await collect(loader))];
  };
  const [a1, a2] = await run(42);
  const [b1, b2] = await run(42);
  assert.deepEqual(a1, b1);
  assert.deepEqual(a2, b2);
  assert.notDeepEqual(a1, a2, 'the second pass reshuffles');
  assert.deepEqual([...a1].sort((x, y) => x - y), Array.from({ length: 20 }, (_, i) => i));
  assert.notDeepEqual(a1, Array.from({ length: 20 }, (_, i) => i));
  const [c1] = await run(43);
  assert.notDeepEqual(a1, c1);
  // without a generator the shuffle follows the default generator, so manualSeed reproduces it
  ck.manualSeed(5);
  const d1 = flat(await collect(new ck.data.DataLoader<number, ck.Tensor>(new Numbers(20), { batchSize: 8, shuffle: true })));
  ck.manualSeed(5);
  const d2 = flat(await collect(new ck.data.DataLoader<number, ck.Tensor>(new Numbers(20), { batchSize: 8, shuffle: true })));
  assert.deepEqual(d1, d2);
});

test('TensorDataset rows are stacked back into batches; tuples, objects and floats collate field by field', async () => {
  const x = ck.arange(12).reshape([6, 2]).float();
  const y = ck.tensor([5, 4, 3, 2, 1, 0], { dtype: 'int32' });
  const [xb, yb] = (await collect(new ck.data.DataLoader(new ck.data.TensorDataset(x, y), { batchSize: 4 })))[1];
  assert.deepEqual(xb.toArray(), [[8, 9], [10, 11]]);
  assert.deepEqual(yb.toArray(), [1, 0]);
  const c = ck.data.defaultCollate([{ a: 1.5, b: [ck.ones([2]), 3] }, { a: 2, b: [ck.zeros([2]), 4] }]) as { a: ck.Tensor; b: [ck.Tensor, ck.Tensor] };
  assert.equal(c.a.dtype, 'float32');
  assert.deepEqual(c.a.toArray(), [1.5, 2]);
  assert.deepEqual(c.b[0].toArray(), [[1, 1], [0, 0]]);
  assert.deepEqual(c.b[1].toArray(), [3, 4]);
  assert.throws(() => ck.data.defaultCollate([ck.ones([2]), 3]), /defaultCollate: sample 1 is number but sample 0 is Tensor/);
  assert.throws(() => ck.data.defaultCollate([new ck.data.Image(new Uint8Array(1), 1, 1, 1)]), /samples are Images; add transforms\.ToTensor\(\)/);
  assert.throws(() => new ck.data.TensorDataset(x, ck.zeros([5])), /TensorDataset: size mismatch between tensors: tensor 0 is \[6,2\], tensor 1 is \[5\]/);
});

test('prefetch: the next batch is requested before the current one is consumed', async () => {
  const ds = new Numbers(6);
  const seenAtYield: number[] = [];
  for await (const batch of new ck.data.DataLoader<number, ck.Tensor>(ds, { batchSize: 2 })) {
    seenAtYield.push(ds.requested.length);
    void batch;
  }
  assert.deepEqual(seenAtYield, [4, 6, 6]);
  const lazy = new Numbers(6);
  const seenLazy: number[] = [];
  for await (const batch of new ck.data.DataLoader<number, ck.Tensor>(lazy, { batchSize: 2, prefetch: 0 })) {
    seenLazy.push(lazy.requested.length);
    void batch;
  }
  assert.deepEqual(seenLazy, [2, 4, 6]);
});

test('prefetch overlaps asynchronous reads with the consumer\'s work', async () => {
  // each item takes 30 ms to "read" and the consumer 30 ms per batch: overlapped, 5 batches take ~6 slots, not 10
  class Slow extends ck.data.Dataset<number> {
    get length(): number {
      return 5;
    }
    getItem(i: number): Promise<number> {
      return new Promise((resolve) => setTimeout(() => resolve(i), 30));
    }
  }
  const consume = async (prefetch: number): Promise<number> => {
    const start = performance.now();
    for await (const b of new ck.data.DataLoader<number, ck.Tensor>(new Slow(), { batchSize: 1, prefetch })) {
      void b;
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    return performance.now() - start;
  };
  const [without, withPrefetch] = [await consume(0), await consume(1)];
  assert.ok(withPrefetch < without * 0.85, `prefetch ${withPrefetch.toFixed(0)} ms vs none ${without.toFixed(0)} ms`);
});

test('an error in a prefetched batch surfaces when that batch is reached', async () => {
  class Bad extends ck.data.Dataset<number> {
    get length(): number {
      return 4;
    }
    async getItem(i: number): Promise<number> {
      if (i === 3) throw new Error('unreadable sample 3');
      return i;
    }
  }
  const got: number[] = [];
  await assert.rejects(async () => {
    for await (const b of new ck.data.DataLoader<number, ck.Tensor>(new Bad(), { batchSize: 2 })) got.push(...(b.toArray() as number[]));
  }, /unreadable sample 3/);
  assert.deepEqual(got, [0, 1]);
});

test('Subset and randomSplit partition a dataset reproducibly', () => {
  const ds = new Numbers(10);
  const [a, b] = ck.data.randomSplit(ds, [0.7, 0.3], { generator: new ck.Generator(1) });
  assert.equal(a.length, 7);
  assert.equal(b.length, 3);
  const all = [...a.indices, ...b.indices].sort((x, y) => x - y);
  assert.deepEqual(all, Array.from({ length: 10 }, (_, i) => i));
  const [a2] = ck.data.randomSplit(ds, [7, 3], { generator: new ck.Generator(1) });
  assert.deepEqual(a2.indices, a.indices);
  assert.equal(b.getItem(0), b.indices[0]);
  assert.throws(() => ck.data.randomSplit(ds, [5, 4]), /randomSplit: sum of input lengths \[5,4\] does not equal the length of the input dataset \(10\)/);
});

test('DataLoader rejects bad options', () => {
  assert.throws(() => new ck.data.DataLoader(new Numbers(3), { batchSize: 0 }), /DataLoader: batchSize should be a positive integer, got 0/);
  assert.throws(() => new ck.data.DataLoader({} as never), /DataLoader: expected a Dataset/);
  assert.throws(() => new ck.data.DataLoader(new Numbers(3), { prefetch: -1 }), /DataLoader: prefetch should be a non-negative integer, got -1/);
});

/** CIFAR-10 binary batches (written by tools/gen_data_fixtures.py with numpy). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ck from '../../src/node.js';
import { FIXTURES, loadFixture } from '../helpers/index.js';

type Fx = Record<string, { labels: number[]; pixelSums: number[]; firstCHW?: number[] }>;
const fx = loadFixture<Fx>('cifar');
const DIR = join(FIXTURES, 'data', 'cifar-10-batches-bin');

test('loadCIFAR10 concatenates the five training batches in order; labels and pixels match numpy', () => {
  const train = ck.data.loadCIFAR10({ root: join(FIXTURES, 'data') });
  assert.equal(train.length, 10);
  assert.equal(train.root, DIR);
  const batches = [1, 2, 3, 4, 5].map((i) => fx[`data_batch_${i}.bin`]);
  assert.deepEqual(Array.from(train.targets), batches.flatMap((b) => b.labels));
  batches.flatMap((b) => b.pixelSums).forEach((sum, i) => assert.equal(train.getItem(i)[0].data.reduce((a, v) => a + v, 0), sum));
  // record 2 is the first of batch 2: the Image is H×W×C, the file holds the R, G, B planes
  const [img, label] = train.getItem(2);
  assert.equal(label, fx['data_batch_2.bin'].labels[0]);
  const chw = fx['data_batch_2.bin'].firstCHW!;
  for (const [y, x, c] of [[0, 0, 0], [5, 7, 1], [31, 30, 2], [17, 0, 2]]) assert.equal(img.data[(y * 32 + x) * 3 + c], chw[c * 1024 + y * 32 + x]);
  const tensor = new ck.data.transforms.ToTensor().forward(img);
  assert.equal(Math.round(tensor.sum().item() * 255), fx['data_batch_2.bin'].pixelSums[0]);
});

test('the test split is test_batch.bin; classes are CIFAR-10\'s', () => {
  const test = ck.data.loadCIFAR10({ root: DIR, train: false });
  assert.deepEqual(Array.from(test.targets), fx['test_batch.bin'].labels);
  assert.equal(test.classes.length, 10);
  assert.equal(test.classes[0], 'airplane');
});

test('CIFAR errors: a truncated batch, a missing directory', () => {
  const bytes = readFileSync(join(DIR, 'test_batch.bin'));
  assert.throws(() => ck.data.CIFAR10.fromBytes([bytes.subarray(0, 5000)]), /parseCifarBatch: batch 0 has 5000 bytes, not a whole number of 3073-byte records/);
  const labels = new Uint8Array(bytes);
  labels[0] = 12;
  assert.throws(() => ck.data.CIFAR10.fromBytes([labels]), /CIFAR10: label 12 of sample 0 is not a class index 0\.\.9/);
  assert.throws(() => ck.data.loadCIFAR10({ root: '/nonexistent/cifar' }), /CIFAR10: no training batches found\. Looked in: \/nonexistent\/cifar .*cifar-10-binary\.tar\.gz/);
});

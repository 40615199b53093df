/** IDX parsing and the MNIST-style datasets, on committed files (fixtures from tools/gen_data_fixtures.py). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as ck from '../../src/node.js';
import { FIXTURES, loadFixture } from '../helpers/index.js';

interface Split { count: number; labels: number[]; pixelSums: number[]; labelCounts: number[] }
const fx = loadFixture<{ train: Split; t10k: Split }>('fashion_mini');
const MINI = join(FIXTURES, 'data', 'fashion-mini');

function pixelSum(img: ck.data.Image): number {
  return img.data.reduce((a, b) => a + b, 0);
}

test('parseIdx reads the header and the big-endian elements; encodeIdx writes them back', () => {
  for (const [type, data] of [['uint8', Uint8Array.of(0, 7, 255, 1, 2, 3)], ['int16', Int16Array.of(-300, 2, 30000, 4, 5, -6)], ['int32', Int32Array.of(-7, 1 << 30, 3, 4, 5, 6)], ['float32', Float32Array.of(0.5, -1.25, 3, 4, 5, 6)], ['float64', Float64Array.of(0.1, 2, 3, 4, 5, -6e100)]] as const) {
    const bytes = ck.data.encodeIdx({ type, shape: [2, 3], data });
    const back = ck.data.parseIdx(bytes);
    assert.equal(back.type, type);
    assert.deepEqual(back.shape, [2, 3]);
    assert.deepEqual(Array.from(back.data), Array.from(data));
  }
  // the MNIST header by hand: magic 0x00000803, then 3 sizes
  const header = Uint8Array.of(0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 9, 8, 7, 6);
  assert.deepEqual(ck.data.parseIdx(header).shape, [2, 1, 2]);
});

test('corrupt IDX files are reported with the file, the header and the size found', () => {
  const good = readFileSync(join(MINI, 'train-labels-idx1-ubyte'));
  assert.throws(() => ck.data.parseIdx(good.subarray(0, good.length - 3), 'labels.idx'), /parseIdx: labels.idx is not a valid IDX file: the header says uint8 \[50\] \(50 bytes of data\) but the file has 47 bytes after the header \(truncated or corrupt\)/);
  assert.throws(() => ck.data.parseIdx(Uint8Array.of(1, 2, 8, 1)), /the magic number must start with two zero bytes, got 1, 2/);
  assert.throws(() => ck.data.parseIdx(Uint8Array.of(0, 0, 7, 1)), /unknown element type 0x7/);
  assert.throws(() => ck.data.parseIdx(new Uint8Array(gzipSync(good))), /it is gzip-compressed; decompress it first/);
});

test('FashionMNIST.fromBytes: labels and pixels of the first records match numpy', () => {
  const ds = ck.data.FashionMNIST.fromBytes(readFileSync(join(MINI, 'train-images-idx3-ubyte')), readFileSync(join(MINI, 'train-labels-idx1-ubyte')));
  assert.equal(ds.length, 50);
  assert.equal(ds.classes[9], 'Ankle boot');
  for (let i = 0; i < 50; i++) {
    const [img, label] = ds.getItem(i);
    assert.equal(label, fx.train.labels[i]);
    assert.equal(img.height, 28);
    assert.equal(pixelSum(img), fx.train.pixelSums[i]);
  }
  assert.throws(() => ds.getItem(50), /FashionMNIST: index 50 is out of range for a dataset of 50 samples/);
});

test('loadFashionMNIST reads the built-in slice (gzipped) and the plain mini copy alike, with transforms', () => {
  const T = ck.data.transforms;
  const builtin = ck.data.loadFashionMNIST({ root: ck.data.BUILTIN_FASHION_MNIST, train: false, transform: new T.ToTensor() });
  assert.equal(builtin.length, fx.t10k.count);
  assert.deepEqual(Array.from({ length: 10 }, (_, c) => builtin.targets.filter((t) => t === c).length), fx.t10k.labelCounts);
  const [x0, y0] = builtin.getItem(0);
  assert.deepEqual(x0.shape, [1, 28, 28]);
  assert.equal(y0, fx.t10k.labels[0]);
  assert.ok(Math.abs(x0.sum().item() * 255 - fx.t10k.pixelSums[0]) < 0.05);
  const mini = ck.data.loadFashionMNIST({ root: MINI, train: false });
  assert.equal(mini.root, MINI);
  assert.equal(pixelSum(mini.getItem(3)[0]), fx.t10k.pixelSums[3]);
});

test('torchvision\'s <root>/FashionMNIST/raw layout is found too', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ck-idx-'));
  try {
    mkdirSync(join(dir, 'FashionMNIST', 'raw'), { recursive: true });
    for (const f of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte']) writeFileSync(join(dir, 'FashionMNIST', 'raw', f), readFileSync(join(MINI, f)));
    const ds = ck.data.loadFashionMNIST({ root: dir });
    assert.equal(ds.length, 50);
    assert.equal(ds.root, join(dir, 'FashionMNIST', 'raw'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing directory says where it looked and how to get the data; a corrupt file names itself', () => {
  assert.throws(() => ck.data.loadFashionMNIST({ root: '/nonexistent/fm' }), (err: Error) => {
    assert.match(err.message, /FashionMNIST: no training data found\. Looked in: \/nonexistent\/fm \(no such directory\)/);
    assert.match(err.message, /apt-get install dataset-fashion-mnist/);
    return true;
  });
  assert.throws(() => ck.data.loadFashionMNIST({ root: FIXTURES }), /Looked in: .*fixtures\/? \(no train-images-idx3-ubyte\[\.gz\] or train-labels-idx1-ubyte\[\.gz\]\)/);
  assert.throws(() => ck.data.loadMNIST(), /MNIST: no training data found\. Looked in: .*data\/mnist .*Pass root/);
  const dir = mkdtempSync(join(tmpdir(), 'ck-idx-'));
  try {
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), readFileSync(join(MINI, 'train-images-idx3-ubyte')).subarray(0, 100));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(readFileSync(join(MINI, 'train-labels-idx1-ubyte'))));
    assert.throws(() => ck.data.loadMNIST({ root: dir }), /train-images-idx3-ubyte\.gz is not a valid IDX file: the header says uint8 \[50,28,28\]/);
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(readFileSync(join(MINI, 'train-images-idx3-ubyte'))).subarray(0, 500));
    assert.throws(() => ck.data.loadMNIST({ root: dir }), /train-images-idx3-ubyte\.gz: corrupt gzip data/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

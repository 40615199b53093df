/** Data readers on hostile trees and files: symlinks, empty data sets, bad roots, gzip bombs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as ck from '../../src/node.js';
import { FIXTURES } from '../helpers/index.js';

const IMAGES = join(FIXTURES, 'data', 'image-folder');

function scratch(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'convkit-data-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function withWarnings<T>(fn: () => T): [T, string[]] {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (msg: string) => void warnings.push(msg);
  try {
    return [fn(), warnings];
  } finally {
    console.warn = warn;
  }
}

test('ImageFolder skips a dangling symlink and a symlink loop with one warning listing both', (t) => {
  const root = scratch(t);
  cpSync(IMAGES, root, { recursive: true });
  symlinkSync(join(root, 'nowhere.png'), join(root, 'cat', 'dangling.png'));
  symlinkSync(join(root, 'dog'), join(root, 'dog', 'loop'));
  symlinkSync(join(root, 'self'), join(root, 'self'));
  const plain = new ck.data.ImageFolder(IMAGES);
  const [ds, warnings] = withWarnings(() => new ck.data.ImageFolder(root));
  assert.deepEqual(ds.classes, plain.classes);
  assert.equal(ds.length, plain.length, 'every readable image is kept');
  assert.equal(ds.skipped.length, 3);
  assert.match(ds.skipped.join('\n'), /cat\/dangling\.png \(dangling symlink\)/);
  assert.match(ds.skipped.join('\n'), /dog\/loop \(symlink loop/);
  assert.match(ds.skipped.join('\n'), /self \(symlink loop\)/);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /ImageFolder: skipped 3 unreadable entries/);
});

test('ImageFolder: a class left with only broken entries is an error naming them', (t) => {
  const root = scratch(t);
  mkdirSync(join(root, 'a'));
  symlinkSync(join(root, 'gone.png'), join(root, 'a', 'x.png'));
  assert.throws(() => new ck.data.ImageFolder(root), /found no valid file for the classes a .*unreadable entries: .*a\/x\.png \(dangling symlink\)/);
});

test('data set roots that are not paths are clear TypeErrors', () => {
  assert.throws(() => new ck.data.ImageFolder(null as never), /^TypeError: ImageFolder: root must be a directory path \(a non-empty string\), got null/);
  assert.throws(() => new ck.data.ImageFolder(''), /^TypeError: ImageFolder: root must be/);
  assert.throws(() => ck.data.loadFashionMNIST({ root: null as never }), /^TypeError: FashionMNIST: root must be a directory path \(a string\), got null/);
  assert.throws(() => ck.data.loadCIFAR10({ root: null as never }), /^TypeError: CIFAR10: root must be a directory path/);
  assert.throws(() => new ck.data.ImageFolder(IMAGES, { maxPixels: -1 }), /ImageFolder: maxPixels must be a positive integer, got -1/);
});

test('ImageFolder applies its maxPixels to every image it reads', async () => {
  const ds = new ck.data.ImageFolder(IMAGES, { maxPixels: 4 });
  await assert.rejects(ds.getItem(0), /more than the limit of 4/);
});

const idx = (type: ck.data.IdxType, shape: number[]): Uint8Array => ck.data.encodeIdx({ type, shape, data: new Uint8Array(shape.reduce((a, b) => a * b, 1)) });

test('IDX and CIFAR readers refuse empty data sets and zero-size images', () => {
  assert.throws(() => ck.data.MNIST.fromBytes(idx('uint8', [0, 28, 28]), idx('uint8', [0])), /MNIST: the data set is empty or its images have no pixels \(images \[0,28,28\]\)/);
  assert.throws(() => ck.data.FashionMNIST.fromBytes(idx('uint8', [2, 0, 28]), idx('uint8', [2])), /FashionMNIST: the data set is empty or its images have no pixels/);
  assert.throws(() => new ck.data.CIFAR10([]), /CIFAR10: the data set is empty/);
  assert.throws(() => ck.data.CIFAR10.fromBytes([new Uint8Array(0)]), /not a whole number of 3073-byte records/);
});

function writeSplit(dir: string, images: Uint8Array, labels: Uint8Array): void {
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), images);
  writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), labels);
}

test('gzip IDX files decompress at most to the size their IDX header declares', (t) => {
  const dir = scratch(t);
  const header = idx('uint8', [1, 28, 28]);
  // a valid header for one image, then 20 MB of zeros: 20 KB of gzip
  const bomb = gzipSync(Buffer.concat([header, Buffer.alloc(20 << 20)]));
  assert.ok(bomb.length < 40_000);
  writeSplit(dir, bomb, gzipSync(idx('uint8', [1])));
  assert.throws(() => ck.data.loadFashionMNIST({ root: dir }), /train-images-idx3-ubyte\.gz: decompresses to more than the 800 bytes its header declares/);
  // a header declaring more than the gzip can hold is refused before inflating
  const lying = gzipSync(Buffer.concat([Buffer.from([0, 0, 8, 3, 0, 0x0f, 0x42, 0x40, 0, 0, 0, 28, 0, 0, 0, 28])]));
  writeSplit(dir, lying, gzipSync(idx('uint8', [1])));
  assert.throws(() => ck.data.loadFashionMNIST({ root: dir }), /its header declares 784000016 bytes of data, more than \d+ bytes of gzip can hold/);
  writeSplit(dir, gzipSync(header), gzipSync(idx('uint8', [1])));
  assert.equal(ck.data.loadFashionMNIST({ root: dir }).length, 1, 'an honest file loads');
});

test('gzip CIFAR batches decompress at most to the size gzip\'s trailer records', (t) => {
  const dir = scratch(t);
  const bomb = gzipSync(Buffer.alloc(3073 * 3000));
  bomb.writeUInt32LE(3073, bomb.length - 4); // the trailer claims one record
  writeFileSync(join(dir, 'test_batch.bin.gz'), bomb);
  assert.throws(() => ck.data.loadCIFAR10({ root: dir, train: false }), /test_batch\.bin\.gz: decompresses to more than the 3073 bytes gzip's trailer declares/);
  writeFileSync(join(dir, 'test_batch.bin.gz'), gzipSync(Buffer.alloc(3073 * 2)));
  assert.equal(ck.data.loadCIFAR10({ root: dir, train: false }).length, 2);
});

/** ImageFolder on a committed tree of tiny PNG and JPEG files (made with PIL by tools/gen_data_fixtures.py). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ck from '../../src/node.js';
import { assertClose, FIXTURES, loadFixture, type TensorSpec } from '../helpers/index.js';

const fx = loadFixture<{ classes: string[]; samples: { path: string; class: string; rgb: TensorSpec }[] }>('image_folder');
const ROOT = join(FIXTURES, 'data', 'image-folder');

test('ImageFolder finds classes and image files (sorted, recursive, other files skipped)', () => {
  const ds = new ck.data.ImageFolder(ROOT);
  assert.deepEqual(ds.classes, fx.classes);
  assert.deepEqual(ds.classToIdx, { cat: 0, dog: 1 });
  assert.deepEqual(ds.samples.map(([p, c]) => [p.slice(ROOT.length + 1), c]), fx.samples.map((s) => [s.path, fx.classes.indexOf(s.class)]));
});

test('decoded pixels match PIL: PNG exactly (RGB, grey and RGBA to RGB), JPEG within decoder rounding', async () => {
  const ds = new ck.data.ImageFolder(ROOT, { transform: new ck.data.transforms.ToTensor() });
  for (let i = 0; i < ds.length; i++) {
    const [x, y] = await ds.getItem(i);
    const s = fx.samples[i];
    assert.equal(y, fx.classes.indexOf(s.class));
    const jpeg = /\.jpe?g$/.test(s.path);
    // two JPEG decoders may differ by a couple of levels per pixel (IDCT and upsampling rounding)
    assertClose(x, s.rgb, jpeg ? { rtol: 0, atol: 4 / 255 } : { rtol: 0, atol: 1e-7 }, s.path);
  }
});

test('a DataLoader batches an ImageFolder (async items) with for await', async () => {
  const T = ck.data.transforms;
  const ds = new ck.data.ImageFolder(ROOT, { transform: new T.Compose([new T.Resize([4, 4]), new T.ToTensor()]) });
  const loader = new ck.data.DataLoader(ds, { batchSize: 2 });
  const shapes: number[][] = [];
  const labels: number[] = [];
  for await (const [x, y] of loader) {
    shapes.push(x.shape);
    labels.push(...(y.toArray() as number[]));
  }
  assert.deepEqual(shapes, [[2, 3, 4, 4], [2, 3, 4, 4], [1, 3, 4, 4]]);
  assert.deepEqual(labels, [0, 0, 1, 1, 1]);
  assert.throws(() => [...loader], /DataLoader: ImageFolder\.getItem returns promises; iterate with `for await`/);
});

test('decodeImage and encodePng round-trip; bad files and folders give clear errors', () => {
  const png = readFileSync(join(ROOT, 'cat', 'a.png'));
  const img = ck.data.decodeImage(png);
  const again = ck.data.decodeImage(ck.data.encodePng(img));
  assert.deepEqual(Array.from(again.data), Array.from(img.data));
  assert.throws(() => ck.data.decodeImage(readFileSync(join(ROOT, 'cat', 'notes.txt')), 'notes.txt'), /decodeImage: notes\.txt is neither a PNG nor a JPEG file \(first bytes 6e 6f 74 20\)/);
  assert.throws(() => ck.data.decodeImage(png.subarray(0, 40), 'a.png'), /decodeImage: a\.png is truncated/);
  assert.throws(() => new ck.data.ImageFolder(join(ROOT, 'nope')), /ImageFolder: .*nope is not a directory/);
  assert.throws(() => new ck.data.ImageFolder(ROOT, { extensions: ['.bmp'] }), /ImageFolder: found no valid file for the classes cat, dog in .*Supported extensions are: \.bmp/);
});

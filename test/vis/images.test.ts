/** ck.vis's images: filters, colour maps, overlays, RGBA/PNG output, and the argument checks of the attribution functions. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import * as ck from '../../src/node.js';

const near = (a: number, b: number, eps = 1e-6): boolean => Math.abs(a - b) <= eps;
/** One element of a tensor by its indices. */
function at(t: ck.Tensor, ...idx: number[]): number {
  const flat = idx.reduce((acc, i, d) => acc * t.shape[d] + i, 0);
  return t.contiguous().dataSync()[flat];
}

describe('vis.filters', () => {
  it('lays out an RGB first layer in colour, each kernel scaled to [0, 1]', () => {
    const conv = new ck.nn.Conv2d(3, 4, 3);
    const img = ck.vis.filters(conv);
    // 4 kernels, 2 per row, 1 pixel of white padding: 3 × (2·4 + 1) × (2·4 + 1)
    assert.deepEqual(img.shape, [3, 9, 9]);
    const tile = img.narrow(1, 1, 3).narrow(2, 1, 3);
    assert.ok(near(tile.min().item(), 0) && near(tile.max().item(), 1));
    assert.equal(img.select(1, 0).min().item(), 1, 'padding is white');
  });

  it('averages or splits deeper layers\' input channels', () => {
    const w = ck.randn([5, 2, 3, 3]);
    assert.deepEqual(ck.vis.filters(w).shape, [3, 9, 13], '5 averaged kernels, 3 per row');
    const split = ck.vis.filters(w, { inputChannels: 'channels', normalize: false });
    assert.deepEqual(Array.from(ck.vis.filters(w, { normalize: true }).dataSync()), Array.from(ck.vis.filters(w).dataSync()), 'true is per kernel');
    assert.deepEqual(split.shape, [3, 5 * 4 + 1, 2 * 4 + 1]);
    assert.ok(near(at(split, 0, 5, 1), at(w, 1, 0, 0, 0)), 'tile (kernel 1, channel 0) holds the raw weight');
  });

  it('refuses what is not a conv layer or weight', () => {
    assert.throws(() => ck.vis.filters(ck.zeros([3, 3]) as never), /vis.filters: expected an nn.Conv2d or a weight tensor \[out, in, kh, kw\], got Tensor\[3,3\]/);
    assert.throws(() => ck.vis.filters(ck.zeros([1, 1, 3, 3]), { normalise: 'each' } as never), /vis.filters: unknown option 'normalise'/);
  });
});

describe('vis.colorize and vis.overlay', () => {
  it('diverging: negative blue, zero white, positive red, symmetric about 0', () => {
    const rgb = ck.vis.colorize(ck.tensor([-2, 0, 2], { shape: [1, 1, 3] }));
    const px = (j: number): number[] => [0, 1, 2].map((c) => at(rgb, c, 0, j));
    assert.deepEqual(px(0).map((v) => Math.round(v * 255)), [0x05, 0x30, 0x61]);
    assert.deepEqual(px(1).map((v) => Math.round(v * 255)), [0xf7, 0xf7, 0xf7]);
    assert.deepEqual(px(2).map((v) => Math.round(v * 255)), [0x67, 0x00, 0x1f]);
  });

  it('overlay upsamples the map bilinearly and blends it over the image', () => {
    const image = ck.full([1, 4, 4], 0.5);
    const map = ck.tensor([[[0, 1], [0, 1]]]);
    const out = ck.vis.overlay(image, map, { alpha: 0.5, colormap: 'gray' });
    assert.deepEqual(out.shape, [3, 4, 4]);
    // bilinear (align_corners=False) of [0, 1] to 4 columns: 0, 0.25, 0.75, 1; grey map; half image grey 0.5
    const row = [0, 1, 2, 3].map((j) => at(out, 0, 2, j));
    [0, 0.25, 0.75, 1].forEach((v, j) => assert.ok(near(row[j], 0.25 + 0.5 * v), `column ${j}: ${row[j]}`));
    assert.deepEqual(ck.vis.overlay(ck.rand([2, 1, 8, 8]), ck.rand([2, 1, 2, 2])).shape, [2, 3, 8, 8]);
  });

  it('refuses maps that do not fit the image', () => {
    assert.throws(() => ck.vis.overlay(ck.rand([3, 8, 8]), ck.rand([2, 2, 2])), /vis.overlay: expected a one-channel map/);
    assert.throws(() => ck.vis.overlay(ck.rand([3, 8, 8]), ck.rand([1, 2, 2]), { alpha: 2 }), /vis.overlay: alpha must be a number in \[0, 1\], got 2/);
    assert.throws(() => ck.vis.colorize(ck.rand([1, 2, 2]), { colormap: 'hot' as never }), /colormap must be one of 'viridis', 'inferno', 'jet', 'gray', 'diverging', got 'hot'/);
  });
});

describe('vis image output', () => {
  it('toRGBA rounds as torchvision\'s save_image and fills alpha', async () => {
    const { data, width, height } = await ck.vis.toRGBA(ck.tensor([0, 0.5, 1, 2], { shape: [1, 2, 2] }));
    assert.equal(width, 2);
    assert.equal(height, 2);
    assert.deepEqual(Array.from(data), [0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255, 255, 255, 255, 255]);
  });

  it('toPng writes a PNG that decodes to the same pixels', async () => {
    const img = ck.rand([3, 5, 7]);
    const png = PNG.sync.read(Buffer.from(await ck.vis.toPng(img)));
    assert.equal(png.width, 7);
    assert.equal(png.height, 5);
    const expected = (await ck.vis.toRGBA(img)).data;
    assert.deepEqual(Array.from(png.data), Array.from(expected));
  });

  it('toImageData works without a browser and refuses 2-channel images', async () => {
    assert.equal((await ck.vis.toImageData(ck.rand([8, 8]))).data.length, 8 * 8 * 4);
    await assert.rejects(ck.vis.toRGBA(ck.rand([2, 4, 4])), /vis.toRGBA: expected 1, 3 or 4 channels, got shape \[2, 4, 4\]/);
  });
});

describe('vis attribution arguments', () => {
  const model = ck.models.lenet5();
  const x = ck.randn([2, 1, 32, 32]);

  it('featureMaps removes its hooks and names the missing layer', () => {
    const maps = ck.vis.featureMaps(model, x, 'features_detector.0');
    assert.deepEqual(maps['features_detector.0'].shape, [2, 6, 28, 28]);
    assert.ok(model.modules().every((m) => !m.hasForwardHooks()));
    assert.throws(() => ck.vis.featureMaps(model, x, ['classifier.7']), /vis.featureMaps: the model has no module 'classifier.7'; similar: classifier, classifier.0/);
    assert.ok(model.modules().every((m) => !m.hasForwardHooks()), 'no hook is left behind after an error');
  });

  it('targets are checked against the batch and the classes', () => {
    assert.throws(() => ck.vis.saliency(model, x, [1]), /vis.saliency: target must be a class index or an array of 2 \(one per image\), got \[1\]/);
    assert.throws(() => ck.vis.saliency(model, x, 10), /vis.saliency: target must be an integer in \[0, 9\], got 10/);
    assert.throws(() => ck.vis.gradCam(model, x, 1, { layer: 'classifier.0' }), /vis.gradCam: layer 'classifier.0' must output \[N, C, h, w\] feature maps, got \[2, 84\]/);
    assert.throws(() => ck.vis.integratedGradients(model, x, 1, { steps: 1 }), /vis.integratedGradients: steps must be an integer in \[2, ∞\], got 1/);
    assert.throws(() => ck.vis.integratedGradients(model, x, 1, { method: 'simpson' as never }), /method must be one of 'riemann_trapezoid'/);
    assert.throws(() => ck.vis.smoothGrad(model, x, 1, { noise: ck.randn([3, 1, 32, 32]) }), /vis.smoothGrad: expected noise with 5 dimensions/);
  });

  it('a single image [C, H, W] gives maps without the batch dim', () => {
    const one = x.select(0, 0);
    assert.deepEqual(ck.vis.saliency(model, one, 3).shape, [1, 32, 32]);
    assert.deepEqual(ck.vis.gradCam(model, one, 3, { layer: 'features_detector.3' }).shape, [1, 10, 10]);
    const ig = ck.vis.integratedGradients(model, one, 3, { steps: 4 });
    assert.deepEqual([ig.attributions.shape, ig.delta.shape], [[1, 32, 32], []]);
    assert.deepEqual(ck.vis.smoothGrad(model, one, 3, { samples: 2, seed: 1 }).shape, [1, 32, 32]);
  });

  it('smoothGrad is seeded', () => {
    const a = ck.vis.smoothGrad(model, x, 2, { samples: 3, seed: 5 }).dataSync();
    const b = ck.vis.smoothGrad(model, x, 2, { samples: 3, seed: 5 }).dataSync();
    assert.deepEqual(Array.from(a), Array.from(b));
  });
});

describe('vis.labeledGrid', () => {
  it('draws each caption under its tile in the 3×5 font', () => {
    const g = ck.vis.labeledGrid(ck.ones([2, 1, 8, 8]).mul(0.5), ['A1', 'x'], { nrow: 2, padding: 1 });
    // tiles 8 wide, captions 7 high: 3 × (1 + 8 + 7 + 1) × (1 + 8 + 1 + 8 + 1)
    assert.deepEqual(g.shape, [3, 17, 19]);
    // 'A' starts one pixel into the strip: rows of '.#.', '#.#', '###', '#.#', '#.#' (black on white)
    const row = (y: number): string => [0, 1, 2].map((x) => (at(g, 0, 1 + 8 + 1 + y, 1 + 1 + x) === 0 ? '#' : '.')).join('');
    assert.deepEqual([0, 1, 2, 3, 4].map(row), ['.#.', '#.#', '###', '#.#', '#.#']);
    assert.equal(at(g, 1, 5, 5), 0.5, 'the tile itself');
  });

  it('wants one string per image', () => {
    assert.throws(() => ck.vis.labeledGrid(ck.rand([2, 3, 4, 4]), ['a']), /vis.labeledGrid: expected 2 labels \(strings, one per image\), got an array/);
    assert.throws(() => ck.vis.labeledGrid(ck.rand([2, 2, 4, 4]), ['a', 'b']), /expected images with 1 or 3 channels/);
  });
});

/** Transforms against torchvision (fixtures from tools/gen_data_fixtures.py) and the seeding of random ones. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { assertClose, fromSpec, loadFixture, type TensorSpec } from '../helpers/index.js';

const T = ck.data.transforms;
const F = T.functional;

interface Case { name: string; op: string; args: Record<string, any>; output: TensorSpec }
interface Fixture {
  input: TensorSpec;
  cases: Case[];
  normalize: { input: TensorSpec; mean: number[]; std: number[]; output: TensorSpec };
  toTensor: { input: { height: number; width: number; channels: number; data: number[] }; output: TensorSpec };
}
const fx = loadFixture<Fixture>('transforms');
const x = fromSpec(fx.input);

function run(c: Case, input: ck.data.transforms.Picture): ck.data.transforms.Picture {
  const a = c.args;
  switch (c.op) {
    case 'pad': return F.pad(input, a.padding, { paddingMode: a.paddingMode, fill: a.fill });
    case 'crop': return F.crop(input, a.top, a.left, a.height, a.width);
    case 'centerCrop': return F.centerCrop(input, a.size);
    case 'hflip': return F.hflip(input);
    case 'vflip': return F.vflip(input);
    case 'resize': return F.resize(input, a.size, { interpolation: a.interpolation });
    case 'affine': return F.affine(input, a.angle, a.translate, a.scale, a.shear, { interpolation: a.interpolation, fill: a.fill, center: a.center });
    default: throw new Error(`unknown op ${c.op}`);
  }
}

for (const c of fx.cases) {
  test(`torchvision ${c.name}`, () => {
    const out = run(c, x) as ck.Tensor;
    assertClose(out, c.output, { rtol: 1e-5, atol: 1e-6 }, c.name);
  });
}

test('index-map transforms give an Image the same pixels as the tensor path (uint8 in, uint8 out)', () => {
  // an Image whose pixels are the fixture tensor scaled to 0..255 and rounded, channels last
  const [c, h, w] = x.shape;
  const planes = x.mul(255).round().dataSync();
  const hwc = new Uint8Array(c * h * w);
  for (let ch = 0; ch < c; ch++) for (let i = 0; i < h * w; i++) hwc[i * c + ch] = planes[ch * h * w + i];
  const img = new ck.data.Image(hwc, h, w, c);
  const asTensor = ck.tensor(Float32Array.from(planes), { shape: [c, h, w] });
  for (const cs of fx.cases.filter((k) => ['pad', 'crop', 'centerCrop', 'hflip', 'vflip'].includes(k.op) && k.args.fill === undefined)) {
    const fromImage = run(cs, img) as ck.data.Image;
    assert.ok(fromImage instanceof ck.data.Image, cs.name);
    const viaTensor = run(cs, asTensor) as ck.Tensor;
    assert.deepEqual(Array.from(F.toTensor(fromImage).mul(255).round().dataSync()), Array.from(viaTensor.dataSync()), cs.name);
  }
});

test('normalize and toTensor match torchvision', () => {
  const n = fx.normalize;
  assertClose(F.normalize(fromSpec(n.input), n.mean, n.std), n.output, {}, 'normalize');
  const t = fx.toTensor.input;
  const img = new ck.data.Image(Uint8Array.from(t.data), t.height, t.width, t.channels);
  assertClose(new T.ToTensor().forward(img), fx.toTensor.output, { rtol: 0, atol: 0 }, 'toTensor');
});

test('Compose chains transforms and functions; toString lists them', () => {
  const pipeline = new T.Compose([new T.CenterCrop(4), (t: ck.Tensor) => t.mul(2), new T.Normalize([1], [2])]);
  const expected = F.normalize(F.centerCrop(x, 4) as ck.Tensor, [0.5], [1]);
  assertClose(pipeline.forward(x) as ck.Tensor, expected, {}, 'compose');
  assert.match(pipeline.toString(), /^Compose\(\n {4}CenterCrop\(size=\[4,4\]\)\n {4}Lambda\(.*\)\n {4}Normalize\(mean=\[1\], std=\[2\]\)\n\)$/);
});

test('RandomHorizontalFlip: p=1 always flips, p=0 never, p=0.5 is reproducible from a seed', () => {
  assert.deepEqual((new T.RandomHorizontalFlip(1).forward(x) as ck.Tensor).toArray(), (F.hflip(x) as ck.Tensor).toArray());
  assert.equal(new T.RandomHorizontalFlip(0).forward(x), x);
  const flips = (seed: number): boolean[] => {
    const t = new T.RandomHorizontalFlip(0.5, { generator: new ck.Generator(seed) });
    return Array.from({ length: 40 }, () => t.forward(x) !== x);
  };
  assert.deepEqual(flips(7), flips(7));
  assert.notDeepEqual(flips(7), flips(8));
  const count = flips(7).filter(Boolean).length;
  assert.ok(count > 8 && count < 32, `40 fair coin flips gave ${count} heads`);
});

test('RandomCrop with padding returns a crop of the padded picture, at every reachable offset', () => {
  const padded = F.pad(x, 2) as ck.Tensor;
  const crop = new T.RandomCrop([6, 7], { padding: 2, generator: new ck.Generator(3) });
  const seen = new Set<string>();
  for (let k = 0; k < 300; k++) {
    const out = (crop.forward(x) as ck.Tensor).toArray();
    let match = '';
    for (let top = 0; top <= 4 && !match; top++) {
      for (let left = 0; left <= 4 && !match; left++) {
        if (JSON.stringify((F.crop(padded, top, left, 6, 7) as ck.Tensor).toArray()) === JSON.stringify(out)) match = `${top},${left}`;
      }
    }
    assert.ok(match, 'the output is a window of the padded input');
    seen.add(match);
  }
  assert.equal(seen.size, 25, 'all 5x5 offsets occur');
});

test('RandomCrop: too small an input is an error unless padIfNeeded', () => {
  assert.throws(() => new T.RandomCrop(8).forward(x), /RandomCrop: required crop size \[8, 8\] is larger than the input image size \[6, 7\]/);
  const out = new T.RandomCrop(8, { padIfNeeded: true, generator: new ck.Generator(0) }).forward(x) as ck.Tensor;
  assert.deepEqual(out.shape, [2, 8, 8]);
});

test('RandomAffine draws torchvision\'s parameters in range and applies F.affine with them', () => {
  const t = new T.RandomAffine([-10, 10], { translate: [0.2, 0.1], scale: [0.9, 1.1], shear: [-5, 5, -3, 3], generator: new ck.Generator(5) });
  for (let k = 0; k < 50; k++) {
    const p = t.getParams(7, 6);
    assert.ok(p.angle >= -10 && p.angle <= 10);
    assert.ok(Math.abs(p.translate[0]) <= 1.4 + 0.5 && Number.isInteger(p.translate[0]), `tx ${p.translate[0]}`);
    assert.ok(Math.abs(p.translate[1]) <= 0.6 + 0.5 && Number.isInteger(p.translate[1]));
    assert.ok(p.scale >= 0.9 && p.scale <= 1.1);
    assert.ok(Math.abs(p.shear[0]) <= 5 && Math.abs(p.shear[1]) <= 3);
  }
  const a = new T.RandomAffine(15, { translate: [0.1, 0.1], generator: new ck.Generator(9) });
  const b = new T.RandomAffine(15, { translate: [0.1, 0.1], generator: new ck.Generator(9) });
  const p = b.getParams(7, 6);
  const expected = F.affine(x, p.angle, p.translate, p.scale, p.shear, { fill: 0 }) as ck.Tensor;
  assert.deepEqual((a.forward(x) as ck.Tensor).toArray(), expected.toArray());
});

test('transforms reject bad input with the op, the expectation and what came', () => {
  assert.throws(() => F.pad(x, [1, 2, 3]), /pad: padding must be a non-negative integer or a list of 1, 2 or 4 of them, got \[1,2,3\]/);
  assert.throws(() => F.pad(x, 6, { paddingMode: 'reflect' }), /pad: reflect padding \[6,6,6,6\] must be smaller than the image \(6x7\)/);
  assert.throws(() => F.crop(ck.tensor([1, 2, 3]), 0, 0, 1, 1), /crop: expected an Image or a floating tensor \[\.\.\., H, W\], got Tensor\[3\] float32/);
  assert.throws(() => F.resize(x, 0), /resize: size must be a positive integer or \[height, width\], got 0/);
  assert.throws(() => F.normalize(x, [0.5, 0.5, 0.5], [1]), /normalize: mean has 3 values, expected 1 or 2 \(channels of \[2,6,7\]\)/);
  assert.throws(() => F.normalize(x, [0.5], [0]), /normalize: std evaluated to zero/);
  assert.throws(() => F.toTensor(x as never), /toTensor: expected pic to be an Image, got a Tensor\[2,6,7\]/);
  assert.throws(() => new T.RandomHorizontalFlip(1.5), /RandomHorizontalFlip: p must be a probability in \[0, 1\], got 1.5/);
  assert.throws(() => new T.RandomAffine(-3), /RandomAffine: if degrees is a single number, it must be non-negative, got -3/);
  assert.throws(() => F.affine(x, 0, [0, 0], 1, 0, { fill: [1, 2, 3] }), /affine: the number of elements in fill \(3\) cannot broadcast to the number of channels of the image \(2\)/);
  assert.throws(() => new ck.data.Image(new Uint8Array(5), 2, 2, 1), /Image: \[2,2,1\] \(H,W,C\) needs 4 bytes, got 5/);
});

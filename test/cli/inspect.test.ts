/** `convkit inspect` and report.html's "Look inside" section, end to end on a quick run of the built-in slice. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { main } from '../../src/cli/main.js';

async function run(...argv: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const status = await main(argv, { stdout: { write: (s) => void (out += s) }, stderr: { write: (s) => void (err += s) } });
  return { status, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'ck-inspect-'));
const runDir = join(dir, 'run');
const weights = join(runDir, 'model.safetensors');

test('convkit train\'s report has a "Look inside" section: filters beside hand-crafted kernels, feature maps, Grad-CAM of mistakes', async () => {
  const r = await run('train', '--epochs', '1', '--train-size', '600', '--test-size', '60', '--out', runDir);
  assert.equal(r.status, 0, r.err);
  const html = readFileSync(join(runDir, 'report.html'), 'utf8');
  const section = html.slice(html.indexOf('<h2 id="look-inside">Look inside</h2>'), html.indexOf('<h2>Model</h2>'));
  assert.ok(section.length > 0, 'the section is there');
  for (const caption of ['first-layer filters: 6 kernels 5×5 over 1 channel', 'hand-crafted: edge (8-neighbour Laplacian)', 'hand-crafted: sharpen', 'hand-crafted: Gaussian blur', 'learned: the 6 maps of features_detector.0', 'test0: features_detector.3, 16 maps 10×10']) {
    assert.ok(section.includes(`<figcaption>${caption}</figcaption>`), caption);
  }
  assert.match(section, /Grad-CAM of misclassified test images/);
  assert.match(section, /<figcaption>true [^<]+, predicted [^<]+: Grad-CAM at features_detector.3<\/figcaption>/);
  assert.doesNotMatch(html, /<script|src="http/);
});

test('convkit inspect writes PNGs and a self-contained index.html from the run\'s test images', async () => {
  const out = join(dir, 'inspect');
  const r = await run('inspect', '--weights', weights, '--out', out, '--count', '2', '--steps', '3');
  assert.equal(r.status, 0, r.err);
  const files = readdirSync(out).sort();
  for (const f of ['filters.png', 'image0.png', 'image1.png', 'image0-gradcam.png', 'image0-saliency.png', 'image1-maps-features_detector_3.png', 'class-0.png', 'class-9.png', 'index.html']) assert.ok(files.includes(f), f);
  assert.equal(files.filter((f) => f.startsWith('class-')).length, 10, 'one activation-maximisation image per Fashion-MNIST class');
  const png = PNG.sync.read(readFileSync(join(out, 'image0.png')));
  assert.deepEqual([png.width, png.height], [32 * 4, 32 * 4], 'a 32×32 input shown 4× larger');
  const html = readFileSync(join(out, 'index.html'), 'utf8');
  assert.equal(html.match(/<img /g)?.length, files.length - 1, 'every PNG is on the page');
  assert.match(html, /<figcaption>test image 0: [A-Za-z/ -]+ \(\d+%\), true Ankle boot<\/figcaption>/);
  assert.match(html, /<figcaption>class 3 \(Dress\): -?\d+\.\d\d → -?\d+\.\d\d<\/figcaption>/);
  assert.doesNotMatch(html, /<script|src="http|src="[^d]/);
  assert.match(r.out, new RegExp(`wrote ${files.length - 1} PNGs`));
});

test('convkit inspect --image (repeated), --layers and --channels', async () => {
  const out = join(dir, 'images');
  const pixels = new PNG({ width: 28, height: 28 });
  pixels.data.fill(200);
  const a = join(dir, 'a.png');
  const b = join(dir, 'b.png');
  writeFileSync(a, PNG.sync.write(pixels));
  writeFileSync(b, PNG.sync.write(pixels));
  const r = await run('inspect', '--weights', weights, '--image', a, '--image', b, '--out', out, '--layers', 'features_detector.1', '--channels', 'features_detector.3:0,2', '--steps', '2');
  assert.equal(r.status, 0, r.err);
  const files = readdirSync(out);
  for (const f of ['image1.png', 'image1-maps-features_detector_1.png', 'channel-features_detector_3-0.png', 'channel-features_detector_3-2.png']) assert.ok(files.includes(f), f);
  assert.ok(!files.some((f) => f.startsWith('class-')));
  assert.match(readFileSync(join(out, 'index.html'), 'utf8'), /<figcaption>a\.png: /);
});

test('convkit inspect explains its usage errors', async () => {
  const cases: [string[], RegExp][] = [
    [['--weights', weights], /--out DIR is required/],
    [['--weights', weights, '--out', dir, '--channels', 'conv1'], /--channels must be LAYER:0,1,2/],
    [['--weights', weights, '--out', dir, '--layers', 'layer9', '--steps', '0'], /the model has no module 'layer9'/],
    [['--weights', weights, '--out', dir, '--steps', '1.5'], /--steps must be a whole number, got '1.5'/],
    [['--weights', weights, '--out', dir, '--image'], /'--image' needs a value/],
  ];
  for (const [argv, message] of cases) {
    const r = await run('inspect', ...argv);
    assert.notEqual(r.status, 0);
    assert.match(r.err, message);
  }
  assert.ok(!existsSync(join(dir, 'index.html')));
});

test.after(() => rmSync(dir, { recursive: true, force: true }));

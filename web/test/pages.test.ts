/**
 * The playground end to end in Debian's Chromium, served with and without cross-origin isolation and started
 * with and without a WebGPU adapter (SwiftShader). The full tour (training, pictures, drawing, the explainer's
 * numbers, the weights round trip through `convkit eval`) runs once, isolated; the other three set-ups load the
 * page, check what it says it runs on and that a short training lowers the loss.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { buildSite } from '../build.js';
import { serve } from '../serve.js';
import { launch, missingBrowser } from './browser.js';
import { assertNotBlank, pngOfTestImage, trainSteps } from './page-helpers.js';
import { main as cli } from '../../src/cli/main.js';

const missing = missingBrowser();
if (missing) console.warn(`web tests SKIPPED: ${missing}`);
const SHOTS = process.env.CONVKIT_WEB_SCREENSHOTS;

const site = mkdtempSync(join(tmpdir(), 'convkit-site-'));
const servers: Server[] = [];
before(async () => {
  if (!missing) await buildSite(site);
});
after(() => {
  for (const s of servers) s.close();
  rmSync(site, { recursive: true, force: true });
});

async function open(isolation: boolean, webgpu: boolean): Promise<{ page: Page; close: () => Promise<void>; errors: string[]; wasm: string[] }> {
  const { server, url } = await serve({ dir: site, port: 0, isolation });
  servers.push(server);
  const browser = await launch({ webgpu });
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const errors: string[] = [];
  const wasm: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('request', (r) => void (r.url().endsWith('.wasm') && wasm.push(new URL(r.url()).pathname)));
  await page.goto(`${url}#train`);
  await page.waitForSelector('#status[data-ready], #status[data-error]', { timeout: 90_000 });
  return { page, close: browser.close, errors, wasm };
}

const shot = async (page: Page, name: string): Promise<void> => {
  const png = await page.screenshot({ fullPage: true });
  assertNotBlank(png, name);
  if (SHOTS) {
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ fullPage: true, path: join(SHOTS, `web-${name}.png`) });
  }
};

for (const [isolation, webgpu] of [[false, false], [true, true], [false, true]] as const) {
  describe(`playground ${isolation ? 'with' : 'without'} cross-origin isolation, ${webgpu ? 'with' : 'without'} WebGPU`, { skip: missing ?? false }, () => {
    test('says what it runs on and trains LeNet-5 with falling loss', async () => {
      const { page, close, errors, wasm } = await open(isolation, webgpu);
      try {
        const status = (await page.textContent('#status'))!;
        assert.match(status, /backend wasm/, status);
        assert.match(status, isolation ? /2 threads · cross-origin isolated/ : /1 thread · not cross-origin isolated: one thread/, status);
        assert.match(status, webgpu ? /WebGPU: (?!no )\S+/ : /WebGPU: no adapter/, status);
        assert.deepEqual(wasm, [isolation ? '/convkit-relaxed-shared.wasm' : '/convkit-relaxed.wasm'], 'one WebAssembly build downloaded, the one this browser runs');
        const losses = await trainSteps(page, 'lenet5-relu', 40);
        assert.ok(losses.at(-1)! < losses[0], `loss fell: ${losses.map((l) => l.toFixed(3)).join(' ')}`);
        // the steps run in the training worker, on the threads the isolation allows
        const log = (await page.textContent('#train-log'))!;
        const threads = Number(/(\d+) threads? ·/.exec(status)![1]);
        assert.match(log, new RegExp(`on wasm, ${threads} threads? in a worker`), log);
        assert.deepEqual(errors, []);
      } finally {
        await close();
      }
    });
    if (webgpu && isolation) {
      test('trains LeNet-5 on the webgpu backend (SwiftShader): the same losses as on wasm', async (t) => {
        const { page, close, errors } = await open(isolation, webgpu);
        try {
          const offered = await page.$$eval('#backend option', (os) => os.map((o) => (o as HTMLOptionElement).value));
          if (!offered.includes('webgpu')) {
            t.skip(`the webgpu backend did not start in this build (offered: ${offered.join(', ')}): WebGPU training not checked`);
            return;
          }
          // SwiftShader runs a step in seconds, so a few steps, compared with wasm's from the same seed
          const onWasm = (await trainSteps(page, 'lenet5-relu', 3, 'wasm', 1)).slice(0, 3);
          const onGpu = (await trainSteps(page, 'lenet5-relu', 3, 'webgpu', 1)).slice(0, 3);
          onGpu.forEach((l, i) => assert.ok(Math.abs(l - onWasm[i]) < 1e-3 * onWasm[i], `step ${i + 1}: webgpu ${onGpu.join(' ')} vs wasm ${onWasm.join(' ')}`));
          assert.match((await page.textContent('#train-log'))!, /on webgpu/);
          assert.deepEqual(errors, []);
        } finally {
          await close();
        }
      });
    }
  });
}

describe('playground, isolated, without WebGPU: every tab', { skip: missing ?? false }, () => {
  let page: Page;
  let close: () => Promise<void>;
  let errors: string[];
  const work = mkdtempSync(join(tmpdir(), 'convkit-web-'));
  before(async () => ({ page, close, errors } = await open(true, false)));
  after(async () => {
    await close?.();
    rmSync(work, { recursive: true, force: true });
  });

  test('trains LeNet-5: the loss falls, curves drawn, weights downloadable and equal to `convkit eval`', async () => {
    const losses = await trainSteps(page, 'lenet5-relu', 150);
    assert.ok(losses.at(-1)! < 0.8 * losses[0], `loss fell by a fifth: ${losses.map((l) => l.toFixed(3)).join(' ')}`);
    await shot(page, 'train');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const weights = join(work, 'lenet5-relu.safetensors');
    await download.saveAs(weights);
    const pageAccuracy = await page.evaluate(() => (globalThis as unknown as { playground: { history: { tests: { accuracy: number }[] } } }).playground.history.tests.at(-1)!.accuracy);
    let out = '';
    const io = { stdout: { write: (s: string) => void (out += s) }, stderr: { write: (s: string) => void (out += s) } };
    assert.equal(await cli(['eval', '--weights', weights, '--model', 'lenet5'], io as never), 0, out);
    const cliAccuracy = Number(/accuracy ([\d.]+)%/.exec(out)![1]) / 100;
    assert.ok(Math.abs(cliAccuracy - pageAccuracy) < 0.002, `convkit eval ${cliAccuracy} vs the page ${pageAccuracy}`);
  });

  test('look inside: filters, feature maps, saliency and Grad-CAM of the trained model', async () => {
    await page.goto(page.url().replace(/#.*/, '#inside'));
    await page.click('#inside-refresh');
    const log = (await page.textContent('#inside-log'))!;
    assert.match(log, /^step \d+: predicted /, log);
    await shot(page, 'inside');
  });

  test('draw and predict: strokes and a test image give a top 5 from the trained model', async () => {
    await page.goto(page.url().replace(/#.*/, '#draw'));
    const box = (await page.locator('#draw-canvas').boundingBox())!;
    for (const x of [0.35, 0.65]) {
      await page.mouse.move(box.x + x * box.width, box.y + 0.15 * box.height);
      await page.mouse.down();
      await page.mouse.move(box.x + x * box.width, box.y + 0.9 * box.height, { steps: 8 });
      await page.mouse.up();
    }
    const drawn = await top5(page, '#draw-top5[data-of="drawing"] li');
    assert.equal(drawn.length, 5);
    assert.ok(drawn.every((d, i) => i === 0 || d.p <= drawn[i - 1].p), 'sorted by probability');
    await shot(page, 'draw');
    await page.fill('#draw-index', '0');
    await page.click('#draw-sample');
    const label = Number(await page.getAttribute('#draw-canvas', 'data-label'));
    const sample = await top5(page, '#draw-top5[data-of="test-0"] li');
    assert.ok(sample.some((s) => s.cls === label), `test image 0 (class ${label}) is in the top 5: ${JSON.stringify(sample)}`);
  });

  test("the explainer's numbers are the lecture's", async () => {
    await page.goto(page.url().replace(/#.*/, '#explain'));
    assert.equal(await page.getAttribute('#same-out', 'data-p'), '3', 'the quiz n=13, s=5, k=6 pads p = 3');
    assert.equal(await page.getAttribute('#same-out', 'data-left'), '1');
    assert.equal(await page.getAttribute('#same-out', 'data-right'), '2');
    assert.equal(await page.getAttribute('#ex-1d', 'data-output'), '5 6 13 13', '1 0 2 2 3 1 with kernel 3 2 1');
    assert.equal(await page.getAttribute('#ex-formula', 'data-out'), '4', '6×6 input, 3×3 kernel: 4×4');
    await page.fill('#ex-s', '2');
    await page.fill('#ex-p', '1');
    assert.equal(await page.getAttribute('#ex-formula', 'data-out'), '3', '⌊(6 + 2 − 3)/2⌋ + 1 = 3');
    assert.equal(await page.getAttribute('#im2col', 'data-identical'), 'true');
    assert.equal(await page.getAttribute('#pooling', 'data-max'), '6 5 7 9');
    await page.fill('#ex-s', '1');
    await page.fill('#ex-p', '0');
    await shot(page, 'explain');
  });

  test('your weights: the downloaded LeNet-5 file and a PNG classify as in the page', async () => {
    await page.goto(page.url().replace(/#.*/, '#weights'));
    const image = join(work, 'test-image-0.png');
    pngOfTestImage(0, image);
    await page.selectOption('#byo-model', 'lenet5-relu');
    await page.setInputFiles('#byo-weights', join(work, 'lenet5-relu.safetensors'));
    await page.setInputFiles('#byo-image', image);
    await page.click('#byo-run');
    await page.waitForFunction(() => document.querySelectorAll('#byo-top5 li').length === 5 || /error/.test(document.getElementById('byo-log')!.textContent!));
    const log = (await page.textContent('#byo-log'))!;
    assert.match(log, /lenet5-relu: loaded 10 tensors \(10 classes\)/, log);
    const fromFile = await top5(page, '#byo-top5 li');
    const inPage = await top5(page, '#draw-top5[data-of="test-0"] li');
    // the same pixels (a 28×28 PNG is not resampled) through the same weights: the same probabilities
    assert.deepEqual(fromFile.map((t) => t.cls), inPage.map((t) => t.cls), 'same top 5 as the trained model in the page');
    fromFile.forEach((t, i) => assert.ok(Math.abs(t.p - inPage[i].p) < 1e-5, `class ${t.cls}: ${t.p} from the file, ${inPage[i].p} in the page`));
    await shot(page, 'weights');
    assert.deepEqual(errors, []);
  });
});

async function top5(page: Page, selector: string): Promise<{ cls: number; p: number }[]> {
  await page.waitForSelector(selector, { state: 'attached' });
  return page.$$eval(selector, (items) => items.map((li) => ({ cls: Number((li as HTMLElement).dataset.class), p: Number((li as HTMLElement).dataset.p) })));
}

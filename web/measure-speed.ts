/**
 * Training speed of the playground's LeNet-5 step in Chromium (isolated: wasm threads; not isolated: one
 * thread), in the training worker and, with `?main-thread`, on the page's own thread, against the very same
 * Trainer in Node, for docs/web.md. Run on demand, never in the tests:
 *
 *   node --import tsx web/measure-speed.ts [--steps 200] [--model lenet5-relu]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import * as ck from '../src/index.js';
import { buildSite } from './build.js';
import { serve } from './serve.js';
import { launch } from './test/browser.js';
import { imageSet, modelNamed, Trainer } from './src/trainer.js';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '200' }, model: { type: 'string', default: 'lenet5-relu' } } });
const steps = Number(values.steps);
const model = modelNamed(values.model!);
const WARM_UP = 20;

async function nodeSpeed(threads: number): Promise<number> {
  const read = (f: string): Uint8Array => new Uint8Array(gunzipSync(readFileSync(fileURLToPath(new URL(`../data/fashion-mnist/${f}`, import.meta.url)))));
  const train = imageSet(read('train-images-idx3-ubyte.gz'), read('train-labels-idx1-ubyte.gz'));
  ck.setNumThreads(threads);
  const trainer = new Trainer(model, train, 64, 'adam');
  for (let i = 0; i < WARM_UP; i++) await trainer.step();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await trainer.step();
  return (steps * 64) / ((performance.now() - t0) / 1000);
}

async function pageSpeed(site: string, isolation: boolean, mainThread = false): Promise<{ speed: number; threads: number }> {
  const { server, url } = await serve({ dir: site, port: 0, isolation });
  const browser = await launch({ webgpu: false });
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('crash', () => console.error('the page crashed'));
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await page.goto(`${url}${mainThread ? '?main-thread' : ''}#train`);
    await page.waitForSelector('#status[data-ready]', { timeout: 90_000 });
    await page.selectOption('#model', model);
    await page.fill('#epochs', String(Math.ceil(((WARM_UP + steps) * 64) / 10_000) + 1));
    await page.click('#start');
    // the page's own figure covers the steps alone (not the repaints between them); take it over the steps after warm-up
    const speed = await page.evaluate(async ({ warm, n }) => {
      const state = globalThis as unknown as { playground: { history: { losses: number[]; imagesPerSecond: number } } };
      const h = state.playground.history;
      while (h.losses.length < warm) await new Promise((r) => setTimeout(r, 50));
      const a = { n: h.losses.length, s: h.imagesPerSecond };
      while (h.losses.length < warm + n) await new Promise((r) => setTimeout(r, 50));
      const b = { n: h.losses.length, s: h.imagesPerSecond };
      // images/(compute seconds) over the whole run, from its totals at the two points
      const secondsA = (a.n * 64) / a.s;
      const secondsB = (b.n * 64) / b.s;
      return ((b.n - a.n) * 64) / (secondsB - secondsA);
    }, { warm: WARM_UP, n: steps });
    await page.click('#stop');
    // the threads the steps ran on, as the Train tab's log says (the worker's count, or the page's)
    const threads = await page.evaluate(() => Number(/wasm, (\d+) threads?/.exec(document.getElementById('train-log')!.textContent!)![1]));
    return { speed, threads };
  } finally {
    await browser.close();
    server.close();
  }
}

const site = mkdtempSync(join(tmpdir(), 'convkit-speed-'));
try {
  await buildSite(site);
  // interleaved, so that a change in the machine's load hits both sides alike
  const load = [loadavg()[0]];
  const isolated = await pageSpeed(site, true);
  const node2 = await nodeSpeed(2);
  const plain = await pageSpeed(site, false);
  const node1 = await nodeSpeed(1);
  const isolatedMain = await pageSpeed(site, true, true);
  const plainMain = await pageSpeed(site, false, true);
  load.push(loadavg()[0]);
  console.log(`${model}, batch 64, Adam, ${steps} steps after ${WARM_UP} of warm-up (images/s of step time):`);
  console.log(`  Chromium, isolated, training worker (${isolated.threads} threads):  ${Math.round(isolated.speed)}`);
  console.log(`  Chromium, not isolated, training worker (${plain.threads} thread): ${Math.round(plain.speed)}`);
  console.log(`  Chromium, isolated, page's thread (${isolatedMain.threads} threads): ${Math.round(isolatedMain.speed)}`);
  console.log(`  Chromium, not isolated, page's thread (${plainMain.threads} thread): ${Math.round(plainMain.speed)}`);
  console.log(`  Node ${process.version}, 2 threads:                         ${Math.round(node2)}`);
  console.log(`  Node ${process.version}, 1 thread:                          ${Math.round(node1)}`);
  console.log(`  (1-minute load average at the start and the end: ${load.map((l) => l.toFixed(1)).join(', ')})`);
} finally {
  rmSync(site, { recursive: true, force: true });
}

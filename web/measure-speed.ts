/**
 * Training speed of the playground's LeNet-5 step in Chromium against the very same Trainer in Node, for
 * docs/web.md. The page trains in its training worker on wasm, cross-origin isolated (the wasm threads: 2 on a
 * 2-core machine) and not isolated (1 thread); Node runs the same Trainer on wasm with the threads the page
 * reported, in the same process and the same run. Rounds alternate page, Node, page, Node, so that a change in
 * the machine's load hits both sides alike; the medians and their ratio are printed. Run on demand on a quiet
 * machine, never in the tests:
 *
 *   node --import tsx web/measure-speed.ts [--steps 150] [--rounds 3] [--model lenet5-relu] [--main-thread]
 *
 * `--main-thread` also measures the page with `?main-thread` (the steps on the page's own thread).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import * as ck from '../src/index.js';
import { buildSite } from './build.js';
import { serve } from './serve.js';
import { launch } from './test/browser.js';
import { imageSet, modelNamed, Trainer } from './src/trainer.js';

const { values } = parseArgs({
  options: {
    steps: { type: 'string', default: '150' },
    rounds: { type: 'string', default: '3' },
    model: { type: 'string', default: 'lenet5-relu' },
    'main-thread': { type: 'boolean', default: false },
  },
});
const steps = positiveInt('steps', values.steps!);
const rounds = positiveInt('rounds', values.rounds!);
const model = modelNamed(values.model!);
const BATCH = 64;
const WARM_UP = 20;

function positiveInt(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`measure-speed: --${name} must be a positive integer, got '${text}'`);
  return n;
}

/** One measurement: images per second of step time, and the wasm threads the steps ran on. */
interface Speed {
  speed: number;
  threads: number;
}

/** The Trainer in this process, on wasm with `threads` threads: WARM_UP steps, then `steps` timed ones. */
async function nodeSpeed(threads: number): Promise<Speed> {
  const read = (f: string): Uint8Array => new Uint8Array(gunzipSync(readFileSync(fileURLToPath(new URL(`../data/fashion-mnist/${f}`, import.meta.url)))));
  const train = imageSet(read('train-images-idx3-ubyte.gz'), read('train-labels-idx1-ubyte.gz'));
  await ck.ready('wasm');
  ck.setBackend('wasm');
  ck.setNumThreads(threads);
  if (ck.getNumThreads() !== threads) throw new Error(`measure-speed: Node runs wasm on ${ck.getNumThreads()} threads, asked for ${threads}`);
  const trainer = new Trainer(model, train, BATCH, 'adam');
  for (let i = 0; i < WARM_UP; i++) await trainer.step();
  let images = 0;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) images += (await trainer.step()).count;
  return { speed: images / ((performance.now() - t0) / 1000), threads };
}

/**
 * The Train tab on wasm, batch 64, Adam, as a user starts it. The page's own figure counts the steps alone (not
 * the repaints and evaluations between them); it is read after the warm-up steps and again `steps` later, and
 * the speed is taken between the two readings from the totals behind it.
 */
async function pageSpeed(site: string, isolation: boolean, mainThread: boolean): Promise<Speed> {
  const { server, url } = await serve({ dir: site, port: 0, isolation });
  const browser = await launch({ webgpu: false });
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('crash', () => console.error('the page crashed'));
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await page.goto(`${url}${mainThread ? '?main-thread' : ''}#train`);
    await page.waitForSelector('#status[data-ready]', { timeout: 90_000 });
    await page.selectOption('#backend', 'wasm');
    await page.selectOption('#model', model);
    await page.selectOption('#optimizer', 'adam');
    await page.fill('#batch', String(BATCH));
    await page.fill('#epochs', String(Math.ceil(((WARM_UP + steps) * BATCH) / 10_000) + 1));
    await page.click('#start');
    const speed = await page.evaluate(async ({ warm, n, batch }) => {
      const state = globalThis as unknown as { playground: { history: { losses: number[]; imagesPerSecond: number } } };
      // (no named functions in here: tsx's helpers for them do not exist in the page)
      const readings: { n: number; seconds: number }[] = [];
      for (const count of [warm, warm + n]) {
        while (state.playground.history.losses.length < count) await new Promise((r) => setTimeout(r, 20));
        // losses and imagesPerSecond are updated together, with no await between them
        const h = state.playground.history;
        readings.push({ n: h.losses.length, seconds: (h.losses.length * batch) / h.imagesPerSecond });
      }
      const [a, b] = readings;
      return ((b.n - a.n) * batch) / (b.seconds - a.seconds);
    }, { warm: WARM_UP, n: steps, batch: BATCH });
    await page.click('#stop');
    // the threads the steps ran on, as the Train tab's log says (the worker's ck.getNumThreads(), or the page's)
    const threads = await page.evaluate(() => Number(/wasm, (\d+) threads?/.exec(document.getElementById('train-log')!.textContent!)![1]));
    return { speed, threads };
  } finally {
    await browser.close();
    server.close();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** A page set-up and the Node run it is compared with. */
interface Pairing {
  label: string;
  isolation: boolean;
  mainThread: boolean;
  page: Speed[];
  node: Speed[];
}

const pairings: Pairing[] = [
  { label: 'isolated, training worker', isolation: true, mainThread: false, page: [], node: [] },
  { label: 'not isolated, training worker', isolation: false, mainThread: false, page: [], node: [] },
  ...(values['main-thread'] ? [
    { label: "isolated, page's thread", isolation: true, mainThread: true, page: [], node: [] },
    { label: "not isolated, page's thread", isolation: false, mainThread: true, page: [], node: [] },
  ] : []),
];

function report(load: number[]): void {
  const threads = (n: number): string => `${n} thread${n === 1 ? '' : 's'}`;
  const list = (xs: Speed[]): string => xs.map((x) => Math.round(x.speed)).join(', ');
  console.log(`${model}, batch ${BATCH}, Adam, wasm; ${steps} timed steps after ${WARM_UP} of warm-up; ${rounds} round(s) alternating page and Node`);
  console.log(`images/s of step time, median (each round); Node ${process.version}, ${availableParallelism()} cores`);
  for (const p of pairings) {
    const pageThreads = p.page[0].threads;
    const page = median(p.page.map((x) => x.speed));
    const node = median(p.node.map((x) => x.speed));
    console.log(`  Chromium, ${p.label}, ${threads(pageThreads)}: ${Math.round(page)} (${list(p.page)})`);
    console.log(`  Node, the same Trainer, ${threads(pageThreads)}: ${Math.round(node)} (${list(p.node)})`);
    console.log(`  page / Node: ${(page / node).toFixed(2)}`);
    if (p.page.some((x) => x.threads !== pageThreads)) console.log(`  (the page's threads varied between rounds: ${p.page.map((x) => x.threads).join(', ')})`);
  }
  console.log(`1-minute load average at the start and the end: ${load.map((l) => l.toFixed(1)).join(', ')} (compare only figures taken on a quiet machine)`);
}

const site = mkdtempSync(join(tmpdir(), 'convkit-speed-'));
try {
  await buildSite(site);
  const load = [loadavg()[0]];
  for (let round = 0; round < rounds; round++) {
    for (const p of pairings) {
      const page = await pageSpeed(site, p.isolation, p.mainThread);
      p.page.push(page);
      p.node.push(await nodeSpeed(page.threads));
    }
  }
  load.push(loadavg()[0]);
  report(load);
} finally {
  rmSync(site, { recursive: true, force: true });
}

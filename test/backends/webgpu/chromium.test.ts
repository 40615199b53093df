/**
 * The webgpu backend in a browser: Debian's headless Chromium with --enable-unsafe-webgpu (SwiftShader's adapter)
 * loads the browser bundle of `import * as ck from 'convkit'` in a blank page, starts webgpu there, and runs a
 * convolution with its backward pass and a few LeNet-5 training steps on webgpu and on wasm in the same page:
 * the values must agree. Without Chromium the test says what it could not run and the apt-get line.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import * as esbuild from 'esbuild';
import { writeBuilds } from '../../../tools/wasm/write-builds.js';
import { serve } from '../../../web/serve.js';
import { INSTALL_HINT, launch, missingBrowser } from '../../../web/test/browser.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const missing = missingBrowser();
if (missing) process.stderr.write(`\n*** WebGPU browser smoke test in test/backends/webgpu/chromium.test.ts NOT RUN: ${missing}. To run it: ${INSTALL_HINT}\n\n`);

const site = mkdtempSync(join(tmpdir(), 'convkit-webgpu-page-'));
const servers: Server[] = [];
after(() => {
  for (const s of servers) s.close();
  rmSync(site, { recursive: true, force: true });
});

/** The library as a user's bundler builds it for the browser (code splitting on), with the .wasm files beside it. */
async function buildPage(): Promise<void> {
  await esbuild.build({
    stdin: { contents: "export * from './src/index.ts';", resolveDir: root, loader: 'ts', sourcefile: 'convkit.ts' },
    bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', splitting: true, outdir: site,
    entryNames: 'convkit', logLevel: 'warning',
  });
  writeBuilds(site);
  writeFileSync(join(site, 'index.html'), '<!doctype html><meta charset="utf-8"><title>convkit webgpu</title>');
}

interface PageResult {
  adapter: string;
  backends: string[];
  devices: string[];
  conv: Record<string, number[][]>;
  losses: Record<string, number[]>;
  weights: Record<string, number[]>;
}

/** Runs in the page: the same computations on webgpu and on wasm, from the same seeds. */
async function inPage(): Promise<PageResult> {
  const ck = await import(`${location.origin}/convkit.js`);
  await ck.ready('webgpu');
  await ck.ready('wasm');
  const adapter = await (navigator as unknown as { gpu: GPU }).gpu.requestAdapter();
  const result: PageResult = { adapter: [adapter?.info?.vendor, adapter?.info?.architecture].join(' '), backends: ck.backendNames(), devices: [], conv: {}, losses: {}, weights: {} };
  const F = ck.nn.functional;
  for (const backend of ['webgpu', 'wasm']) {
    ck.setBackend(backend);
    ck.manualSeed(3);
    const x = ck.randn([2, 3, 9, 9]).requiresGrad_(true);
    const w = ck.randn([4, 3, 3, 3]).requiresGrad_(true);
    const b = ck.randn([4]).requiresGrad_(true);
    const y = F.conv2d(x, w, b, { stride: 2, padding: 1 });
    ck.sum(ck.mul(y, y)).backward();
    result.devices.push(y.device);
    result.conv[backend] = await Promise.all([y, x.grad, w.grad, b.grad].map(async (t) => Array.from(await t.data() as Float32Array)));

    ck.manualSeed(4);
    const model = ck.models.lenet5({ activation: 'relu', pool: 'max' });
    const opt = new ck.optim.Adam(model.parameters(), { lr: 1e-3 });
    const images = ck.rand([8, 1, 32, 32]);
    const labels = ck.tensor([0, 1, 2, 3, 4, 5, 6, 7], { dtype: 'int32' });
    const losses = [];
    for (let s = 0; s < 3; s++) {
      opt.zeroGrad();
      const loss = F.crossEntropy(model.forward(images), labels);
      loss.backward();
      opt.step();
      losses.push(loss);
    }
    result.losses[backend] = await Promise.all(losses.map(async (l) => (await l.data())[0]));
    result.weights[backend] = Array.from(await model.parameters()[0].data() as Float32Array);
  }
  return result;
}

function worst(a: readonly number[], b: readonly number[]): number {
  assert.equal(a.length, b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]) / (1e-3 + Math.abs(b[i]))), 0);
}

test('Chromium with SwiftShader: ck.ready("webgpu") in a page, conv + backward and 3 LeNet-5 Adam steps match wasm', { skip: missing ? `NOT RUN: ${missing}` : false, timeout: 600_000 }, async () => {
  await buildPage();
  const { server, url } = await serve({ dir: site, port: 0, isolation: true });
  servers.push(server);
  const browser = await launch({ webgpu: true });
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);
    const r = await page.evaluate(inPage);
    assert.deepEqual(errors, []);
    assert.match(r.adapter, /swiftshader/i, `the adapter: ${r.adapter}`);
    assert.ok(r.backends.includes('webgpu'), `backends: ${r.backends}`);
    assert.deepEqual(r.devices, ['webgpu', 'wasm']);
    r.conv.webgpu.forEach((v, i) => assert.ok(worst(v, r.conv.wasm[i]) < 1e-4, `conv output/gradient ${i}: webgpu and wasm differ by ${worst(v, r.conv.wasm[i])} (relative)`));
    assert.ok(worst(r.losses.webgpu, r.losses.wasm) < 1e-4, `losses: webgpu ${r.losses.webgpu}, wasm ${r.losses.wasm}`);
    assert.ok(r.losses.webgpu[2] < r.losses.webgpu[0], `the loss falls: ${r.losses.webgpu}`);
    assert.ok(worst(r.weights.webgpu, r.weights.wasm) < 1e-3, `conv1 weights after 3 steps differ by ${worst(r.weights.webgpu, r.weights.wasm)} (relative)`);
  } finally {
    await browser.close();
  }
});

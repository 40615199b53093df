/**
 * The native backend's matrix products while signals arrive. oneDNN 2.6's f32 GEMM kernels point the stack pointer
 * at a heap workspace when K is large (LeNet-5's 120-wide classifier layer is enough), so a signal handled during
 * one wrote its frame into the heap, and glibc aborted a little later ("corrupted size vs. prev_size"). V8's
 * sampling profiler sends SIGPROF every interval, so `node --cpu-prof` of LeNet-5 training crashed; the addon now
 * holds signals back while it runs (native/src/napi-args.h SignalsHeld). Each test trains nothing: a child process
 * runs the classifier's forward and gradient products thousands of times under the profiler and checks every
 * result against the reference backend, so before the fix it dies of the corruption and here it exits cleanly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ck from '../../../src/index.js';

const available = await ck.ready('native').then(() => null, (e: Error) => e.message);
if (available !== null && process.env.CI) throw new Error(`native backend required in CI: ${available}`);

const entry = JSON.stringify(new URL('../../../src/index.ts', import.meta.url).href);

/** LeNet-5's fc2 as training runs it: linear with bias (sgemm 'N','T', K = 120) and both gradients' products. */
function productsUnderProfiler(threads: number): void {
  const script = `
    const ck = await import(${entry});
    const F = ck.nn.functional;
    await ck.ready('native');
    ck.setNumThreads(${threads});
    ck.manualSeed(3);
    const [x, w, b, g] = [ck.randn([64, 120]), ck.randn([84, 120]), ck.randn([84]), ck.randn([64, 84])];
    const products = (x, w, b, g) => [F.linear(x, w, b), ck.matmul(g, w), ck.matmul(g.t(), x)];
    const expected = products(...[x, w, b, g].map((t) => t.to('reference'))).map((t) => t.dataSync());
    const on = [x, w, b, g].map((t) => t.to('native'));
    for (let i = 0; i < 3000; i++) {
      const got = products(...on);
      got.forEach((t, k) => {
        if (t.device !== 'native') throw new Error('expected the product on native, got ' + t.device);
        const a = t.dataSync();
        for (let j = 0; j < a.length; j++) {
          const e = expected[k][j];
          if (!(Math.abs(a[j] - e) <= 1e-4 * (1 + Math.abs(e)))) throw new Error('product ' + k + ' element ' + j + ': ' + a[j] + ' against ' + e + ' (call ' + i + ')');
        }
      });
    }
    console.log('ok');
  `;
  const dir = mkdtempSync(join(tmpdir(), 'convkit-prof-'));
  try {
    // a sample every 20 µs: most GEMM calls are interrupted at least once
    const r = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-interval', '20', '--cpu-prof-dir', dir, '--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    const output = `${r.stdout}${r.stderr}`.trim();
    assert.equal(r.signal, null, `the child died of ${r.signal}: ${output.slice(-500)}`);
    assert.equal(r.status, 0, output.slice(-500));
    assert.equal(r.stdout.trim(), 'ok');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const threads of [1, 2]) {
  test(`native linear and matmul under node --cpu-prof, ${threads} thread(s): no heap corruption, results as the reference backend`, { skip: available ?? false }, () =>
    productsUnderProfiler(threads));
}

/**
 * The native backend's matrix products while signals arrive. oneDNN 2.6's f32 GEMM kernels point the stack pointer
 * at a heap workspace when K is large (LeNet-5's 120-wide classifier layer is enough), so a signal handled during
 * one wrote its frame into the heap, and glibc aborted a little later ("corrupted size vs. prev_size"). V8's
 * sampling profiler sends SIGPROF every interval, so `node --cpu-prof` of LeNet-5 training crashed. The addon now
 * runs SIGPROF's handler on an alternate signal stack and holds other signals back while it runs
 * (native/src/napi-args.h SignalsHeld). A child process runs the classifier's forward and gradient products
 * thousands of times under the profiler, or while another process sends it SIGUSR2 as fast as it can (a handler
 * on the ordinary stack, as Node installs for process.on), and checks every result against the reference backend:
 * before the fix it died of the corruption, here it exits cleanly.
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

type Source = 'profiler' | 'kill';

/** LeNet-5's fc2 as training runs it: linear with bias (sgemm 'N','T', K = 120) and both gradients' products. */
function productsUnderSignals(threads: number, source: Source): void {
  const script = `
    const ck = await import(${entry});
    const { spawn } = await import('node:child_process');
    const F = ck.nn.functional;
    await ck.ready('native');
    ck.setNumThreads(${threads});
    ck.manualSeed(3);
    const [x, w, b, g] = [ck.randn([64, 120]), ck.randn([84, 120]), ck.randn([84]), ck.randn([64, 84])];
    const products = (x, w, b, g) => [F.linear(x, w, b), ck.matmul(g, w), ck.matmul(g.t(), x)];
    const expected = products(...[x, w, b, g].map((t) => t.to('reference'))).map((t) => t.dataSync());
    const on = [x, w, b, g].map((t) => t.to('native'));
    let received = 0;
    let sender = null;
    if (${source === 'kill'}) {
      process.on('SIGUSR2', () => received++);
      // about a thousand a second: Node's handler writes each one into a pipe that only the event loop drains
      sender = spawn('/bin/sh', ['-c', 'while kill -USR2 ' + process.pid + ' 2>/dev/null; do sleep 0.001; done'], { stdio: 'ignore' });
      await new Promise((resolve) => process.once('SIGUSR2', resolve));
    }
    for (let i = 0; i < 3000; i++) {
      if (sender && i % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
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
    sender?.kill();
    console.log(sender && received === 0 ? 'no SIGUSR2 arrived' : 'ok');
  `;
  const dir = mkdtempSync(join(tmpdir(), 'convkit-prof-'));
  // a sample every 20 µs: most GEMM calls are interrupted at least once
  const profile = source === 'profiler' ? ['--cpu-prof', '--cpu-prof-interval', '20', '--cpu-prof-dir', dir] : [];
  try {
    const r = spawnSync(process.execPath, [...profile, '--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 120_000 });
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
    productsUnderSignals(threads, 'profiler'));
}

test('native linear and matmul while another process sends SIGUSR2, 2 threads: no heap corruption, results as the reference backend', { skip: available ?? false }, () =>
  productsUnderSignals(2, 'kill'));

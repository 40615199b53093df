/**
 * The worker pool's hand-off: a worker polls for SPIN_MS after a job, then sleeps and is counted in SLEEPERS;
 * a job notifies only when one sleeps, and kernels wake sleepers ahead of their jobs. A lost wake-up would hang
 * a job, a stale one would run a part twice or leave it undone: every part writes its own result, checked after
 * each job, with the worker polling (back to back), asleep (after idle gaps) and woken early (a wake hint).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../../src/index.js';
import { SPIN_MS } from '../../../src/backends/wasm/control.js';
import { WasmRuntime } from '../../../src/backends/wasm/runtime.js';

function pause(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/** Runs body on a fresh runtime with both threads ready and a call's scratch begun, then restores the thread count. */
async function onTwoThreads(body: (rt: WasmRuntime) => void | Promise<void>): Promise<void> {
  const before = ck.getNumThreads();
  ck.setNumThreads(2);
  try {
    const rt = WasmRuntime.createSync();
    assert.equal(await rt.warmUp(), 2);
    rt.begin();
    await body(rt);
  } finally {
    ck.setNumThreads(before);
  }
}

test('jobs complete with every part done whether the worker is polling, asleep or woken ahead', async () => {
  await onTwoThreads(async (rt) => {
    const rows = 8;
    const len = 1000;
    const x = rt.alloc(4 * rows * len);
    rt.view(x, rows * len).set(Float32Array.from({ length: rows * len }, (_, i) => (i % len) + 1));
    const sums = rt.alloc(8 * rows);
    const expected = (len * (len + 1)) / 2;
    const gaps = [0, 0, 4 * SPIN_MS, 0, 20, 0.01, 10 * SPIN_MS, 0];
    for (let i = 0; i < 160; i++) {
      const gap = gaps[i % gaps.length];
      if (gap > 0) await new Promise((resolve) => setTimeout(resolve, gap)); // the worker falls asleep
      if (i % 3 === 0) rt.wake();
      if (i % 5 === 0) pause(0.05);
      rt.viewF64(sums, rows).fill(0);
      // part t sums rows [4t, 4t + 4): the worker's half is rows 4..7
      rt.run('sumRows', [[x, 4, len, sums], [x + 4 * 4 * len, 4, len, sums + 8 * 4]]);
      assert.deepEqual([...rt.viewF64(sums, rows)], new Array(rows).fill(expected), `job ${i} after a ${gap} ms gap`);
    }
  });
});

test('the activations\' f32 parameter reaches the worker exactly (arguments pass as float64)', async () => {
  await onTwoThreads((rt) => {
    const n = 64;
    const g = rt.alloc(4 * n);
    const s = rt.alloc(4 * n);
    const out = rt.alloc(4 * n);
    rt.view(g, n).fill(1);
    rt.view(s, n).fill(-1); // leakyRelu's gradient where the input is negative: the slope itself
    const slope = 0.0137;
    rt.run('activation_leakyRelu', [[out, g, s, n / 2, slope], [out + 2 * n, g + 2 * n, s + 2 * n, n / 2, slope]]);
    assert.deepEqual([...rt.view(out, n)], new Array(n).fill(Math.fround(slope)));
  });
});

/**
 * Same seed, same model: the wasm backend's results do not depend on when its worker threads become ready.
 * Each run is a fresh Node process (as each `convkit train` is), training LeNet-5 for a few steps.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

const entry = JSON.stringify(new URL('../../../src/index.ts', import.meta.url).href);
const registry = JSON.stringify(new URL('../../../src/backends/registry.ts', import.meta.url).href);

/** Trains LeNet-5 six steps on seeded random batches; `warm` awaits the workers first, else they join mid-run. */
function train(threads: number, warm: boolean): { hash: string; active: number } {
  const script = `
    import { createHash } from 'node:crypto';
    const ck = await import(${entry});
    const wasm = (await import(${registry})).findBackend('wasm');
    ck.setNumThreads(${threads});
    ${warm ? 'await ck.ready();' : ''}
    ck.manualSeed(0);
    const model = ck.models.lenet5();
    const opt = new ck.optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
    const g = new ck.Generator(1);
    for (let s = 0; s < 6; s++) {
      const x = ck.randn([64, 1, 32, 32], { generator: g });
      const y = ck.randint(0, 10, [64], { generator: g });
      opt.zeroGrad();
      ck.nn.functional.crossEntropy(model.forward(x), y).backward();
      opt.step();
    }
    const h = createHash('sha256');
    for (const t of Object.values(model.stateDict())) h.update(new Uint8Array(t.dataSync().buffer));
    console.log(JSON.stringify({ hash: h.digest('hex'), active: wasm.activeThreads() }));
  `;
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 }).trim());
}

test('workers joining mid-run give bit-identical weights to workers ready from the start', () => {
  const warm = train(2, true);
  const cold = train(2, false);
  assert.equal(warm.active, 2);
  assert.equal(cold.active, 2);
  assert.equal(cold.hash, warm.hash);
});

test('a fresh runtime splits work for every thread at once, running the parts of workers still starting itself', async () => {
  const ck = await import('../../../src/index.js');
  const { registerBackend } = await import('../../../src/backends/registry.js');
  const { wasmBackend } = await import('../../../src/backends/wasm/index.js');
  const { WasmRuntime } = await import('../../../src/backends/wasm/runtime.js');
  const before = ck.getNumThreads();
  ck.setNumThreads(2);
  try {
    const rt = WasmRuntime.createSync();
    registerBackend(wasmBackend(rt, 'wasm-cold'));
    const g = new ck.Generator(5);
    const x = ck.randn([8, 16, 33, 33], { generator: g });
    const w = ck.randn([32, 16, 3, 3], { generator: g });
    // a strided 3x3 convolution's weight gradient sums per-thread partial results over the batch
    const grads = (): Float32Array => ck.withBackend('wasm-cold', () => {
      const wg = w.detach().to('wasm-cold').requiresGrad_();
      ck.nn.functional.conv2d(x.to('wasm-cold'), wg, null, { stride: 2, padding: 1 }).square().sum().backward();
      return wg.grad!.dataSync() as Float32Array;
    });
    const cold = grads(); // the pool's workers are being started by this very call
    assert.equal(rt.threads(), 2, 'split for 2 threads before any worker is ready');
    assert.equal(await rt.warmUp(), 2);
    assert.deepEqual(grads(), cold, 'bit-identical once the workers take their parts');
  } finally {
    ck.setNumThreads(before);
  }
});

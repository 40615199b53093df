/**
 * Resident WebAssembly memory: the size-class allocator beside the per-call scratch (reuse, growth while blocks
 * hold data, a memory that cannot grow), the weight cache's invalidation by in-place writes (checked against the
 * reference backend), and WebAssembly memory bounded over a hand-written training loop without scopes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../../src/index.js';
import * as F from '../../../src/ops/conv/index.js';
import { findBackend, registerBackend } from '../../../src/backends/registry.js';
import { wasmBackend, type WasmBackend } from '../../../src/backends/wasm/index.js';
import { WasmRuntime } from '../../../src/backends/wasm/runtime.js';
import { classOf, classSize, FreeLists } from '../../../src/backends/wasm/size-classes.js';
import { WeightCache } from '../../../src/backends/wasm/weight-cache.js';

ck.setBackend('wasm');

/** A runtime whose memory refuses to grow from now on, as at the wasm32 4 GiB limit. */
function refuseGrowth(rt: WasmRuntime): void {
  rt.memory.grow = () => {
    throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded');
  };
}

test('size classes: a block holds its bytes, wastes at most a quarter, and stays 16-byte aligned', () => {
  for (const bytes of [0, 1, 63, 64, 65, 80, 81, 100, 1000, 4096, 4097, 123_457, 9_437_184, 45_000_001]) {
    const size = classSize(classOf(bytes));
    assert.ok(size >= bytes, `${bytes} bytes in a ${size}-byte block`);
    assert.ok(size <= Math.max(64, 1.25 * bytes), `${bytes} bytes waste too much in a ${size}-byte block`);
    assert.equal(size % 16, 0);
  }
  assert.throws(() => classOf(-1), /block size/);
  const lists = new FreeLists();
  lists.giveRange(1000, 1000 + 300);
  assert.equal(lists.freeBytes, 256); // from 1008: one 256-byte block; the 36 bytes left are below the smallest class
  assert.equal(lists.take(classOf(256)), 1008);
});

test('resident blocks: a freed block is reused by the next block of its class, scratch never overlaps one', () => {
  const rt = WasmRuntime.createSync();
  rt.begin();
  const a = rt.allocResident(1000)!;
  const b = rt.allocResident(5000)!;
  rt.view(a, 250).fill(1);
  rt.begin();
  const s = rt.alloc(4096);
  assert.ok(s >= b + 5000, 'scratch starts above the resident blocks');
  rt.freeResident(a, 1000);
  assert.equal(rt.allocResident(900), a, 'same class: the freed block comes back');
  assert.equal(rt.residentBytes, classSize(classOf(1000)) + classSize(classOf(5000)));
});

test('resident blocks: one carved while scratch is in use sits above it, the gap is reused after the call', () => {
  const rt = WasmRuntime.createSync();
  rt.begin();
  const s = rt.alloc(64 * 1024);
  rt.view(s, 16 * 1024).fill(7);
  const block = rt.allocResident(4096)!;
  assert.ok(block >= s + 64 * 1024, 'the block does not overlap live scratch');
  assert.ok(rt.view(s, 16 * 1024).every((v) => v === 7), 'scratch intact');
  const after = rt.alloc(128);
  assert.ok(after >= block + 4096, 'later scratch of the same call lies above the block');
  rt.begin();
  const reused = rt.allocResident(64 * 1024 - 100)!; // the gap [1024, 66560) is one 64 KiB block: its class
  assert.ok(reused < block, `the gap under the block serves a later block (got ${reused}, block at ${block})`);
});

test('resident blocks keep their values when the memory grows, and read through fresh views', () => {
  const rt = WasmRuntime.createSync();
  rt.begin();
  const block = rt.allocResident(4 * 1000)!;
  rt.view(block, 1000).set(Float32Array.from({ length: 1000 }, (_, i) => i * 0.5));
  const before = rt.memory.buffer.byteLength;
  rt.begin();
  rt.alloc(before + (8 << 20)); // forces growth
  assert.ok(rt.memory.buffer.byteLength > before);
  const values = rt.view(block, 1000);
  for (let i = 0; i < 1000; i += 97) assert.equal(values[i], i * 0.5);
});

test('a memory that cannot grow: allocResident answers null, the cache declines, kernels still compute', () => {
  const rt = WasmRuntime.createSync();
  registerBackend(wasmBackend(rt, 'wasm-nogrow'));
  refuseGrowth(rt);
  rt.begin();
  const w = ck.randn([8, 8, 3, 3]).to('wasm-nogrow');
  ck.noGrad(() => w.mul_(1)); // version 1: worth caching
  const view = { storage: w.storage, dtype: 'float32' as const, shape: w.shape, strides: [72, 9, 3, 1], offset: 0 };
  assert.equal(rt.allocResident(2 * rt.memory.buffer.byteLength), null);
  assert.equal(new WeightCache(rt).get(view, 'dense', 2 * rt.memory.buffer.byteLength, () => assert.fail('no block, no fill')), null);
  assert.equal(new WeightCache(rt, 0).get(view, 'dense', 4 * 576, () => assert.fail('over budget, no fill')), null);
  const small = rt.allocResident(64);
  assert.ok(small !== null && small > 0, 'room left in the memory still serves blocks');
  const x = ck.randn([2, 8, 12, 12]);
  for (let i = 0; i < 3; i++) {
    const got = F.conv2d(x.to('wasm-nogrow'), w, null, { padding: 1 });
    const want = F.conv2d(x.to('reference'), w.to('reference'), null, { padding: 1 });
    assertClose(got.dataSync(), want.dataSync(), 1e-4);
  }
});

function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number): void {
  assert.equal(got.length, want.length);
  for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])), `element ${i}: ${got[i]} vs ${want[i]}`);
}

/** Runs `conv` on wasm and on the reference backend with the same values. */
function checkAgainstReference(x: ck.Tensor, w: ck.Tensor, conv: (x: ck.Tensor, w: ck.Tensor) => ck.Tensor): void {
  const got = conv(x, w).dataSync();
  const want = conv(x.to('reference'), w.to('reference')).dataSync();
  assertClose(got, want, 1e-4);
}

const CACHED_CONVS: { what: string; x: number[]; w: number[]; conv: (x: ck.Tensor, w: ck.Tensor) => ck.Tensor }[] = [
  { what: 'Winograd 3×3', x: [2, 8, 16, 16], w: [8, 8, 3, 3], conv: (x, w) => F.conv2d(x, w, null, { padding: 1 }) },
  { what: 'im2col 5×5', x: [4, 6, 14, 14], w: [16, 6, 5, 5], conv: (x, w) => F.conv2d(x, w) },
  { what: 'whole input (LeNet C5)', x: [8, 16, 5, 5], w: [120, 16, 5, 5], conv: (x, w) => F.conv2d(x, w) },
];

for (const c of CACHED_CONVS) {
  test(`weight cache, ${c.what}: every in-place write to the weight is seen by the next forward and dX`, () => {
    const wasm = findBackend('wasm') as WasmBackend;
    const x = ck.randn(c.x);
    const w = ck.randn(c.w);
    ck.noGrad(() => w.mul_(0.5));
    const before = { ...wasm.weightCache.counts };
    checkAgainstReference(x, w, c.conv);
    checkAgainstReference(x, w, c.conv);
    assert.ok(wasm.weightCache.counts.hits > before.hits, 'the second call reuses the cached weights');
    ck.noGrad(() => w.add_(ck.randn(c.w))); // in place: same storage, new version
    checkAgainstReference(x, w, c.conv);
    ck.noGrad(() => w.copy_(ck.randn(c.w)));
    checkAgainstReference(x, w, c.conv);
    // dX reads the same weights (Winograd: their flipped transform), after a write too
    const dx = (xs: ck.Tensor, ws: ck.Tensor): ck.Tensor => {
      const xr = xs.detach().requiresGrad_(true);
      const y = c.conv(xr, ws);
      y.backward(ck.onesLike(y));
      return xr.grad!;
    };
    checkAgainstReference(x, w, dx);
    ck.noGrad(() => w.sub_(0.25));
    checkAgainstReference(x, w, dx);
  });
}

test('weight cache: a linear weight stepped by an optimiser gives the reference result after every step', () => {
  const layer = new ck.nn.Linear(64, 48);
  const opt = new ck.optim.SGD(layer.parameters(), { lr: 0.1 });
  const x = ck.randn([32, 64]);
  for (let step = 0; step < 4; step++) {
    const got = layer.forward(x);
    const want = ck.nn.functional.linear(x.to('reference'), layer.weight.to('reference'), layer.bias!.to('reference'));
    assertClose(got.dataSync(), want.dataSync(), 1e-4);
    opt.zeroGrad();
    got.square().mean().backward(); // a mean keeps the steps small, so float32 rounding stays far below the tolerance
    opt.step();
  }
});

test('weight cache: a fresh weight is not cached until it has been used a few times at one version', () => {
  const rt = WasmRuntime.createSync();
  const cache = new WeightCache(rt);
  const w = ck.randn([4, 4]);
  const v = { storage: w.storage, dtype: 'float32' as const, shape: [4, 4], strides: [4, 1], offset: 0 };
  let fills = 0;
  rt.begin();
  assert.equal(cache.get(v, 'dense', 64, () => fills++), null);
  assert.equal(cache.get(v, 'dense', 64, () => fills++), null);
  const ptr = cache.get(v, 'dense', 64, () => fills++);
  assert.ok(ptr !== null);
  assert.equal(cache.get(v, 'dense', 64, () => fills++), ptr);
  assert.equal(fills, 1);
});

test('a hand-written LeNet-5 loop without scopes: 1,000 steps keep WebAssembly memory and resident blocks flat', () => {
  const wasm = findBackend('wasm') as WasmBackend;
  ck.manualSeed(0);
  const model = ck.models.lenet5();
  const opt = new ck.optim.Adam(model.parameters(), { lr: 1e-3 });
  const g = new ck.Generator(3);
  const x = ck.randn([16, 1, 32, 32], { generator: g });
  const y = ck.randint(0, 10, [16], { generator: g });
  let after100 = { memory: 0, resident: 0 };
  for (let step = 1; step <= 1000; step++) {
    opt.zeroGrad();
    ck.nn.functional.crossEntropy(model.forward(x) as ck.Tensor, y).backward();
    opt.step();
    if (step === 100) after100 = { memory: wasm.memoryBytes(), resident: wasm.residentBytes() };
  }
  assert.equal(wasm.memoryBytes(), after100.memory, 'WebAssembly memory grew after step 100');
  assert.equal(wasm.residentBytes(), after100.resident, 'resident blocks grew after step 100');
});


test('inside a scope, results are resident: read in place by the next kernel, freed when the scope closes', () => {
  const wasm = findBackend('wasm') as WasmBackend;
  const before = ck.memoryStats().wasm?.tensors ?? 0;
  const x = ck.randn([8, 8, 16, 16]);
  const w = ck.randn([8, 8, 3, 3]);
  let inner: ck.Tensor | null = null;
  const kept = ck.scope(() => {
    const y = F.conv2d(x, w, null, { padding: 1 }); // resident
    inner = y.relu();
    assert.equal(y.storage.constructor.name, 'ResidentStorage');
    assert.ok((ck.memoryStats().wasm?.tensors ?? 0) > before);
    return F.conv2d(inner, w, null, { padding: 1 }); // reads `inner` where it lies
  });
  const want = F.conv2d(F.conv2d(x.to('reference'), w.to('reference'), null, { padding: 1 }).relu(), w.to('reference'), null, { padding: 1 });
  assertClose(kept.dataSync(), want.dataSync(), 1e-4);
  assert.throws(() => inner!.dataSync(), /freed when the ck.scope that made it closed|disposed/);
  assert.equal(F.conv2d(x, w, null, { padding: 1 }).storage.constructor.name, 'CpuStorage', 'outside a scope results are typed arrays');
  kept.dispose();
  assert.equal(ck.memoryStats().wasm?.tensors ?? 0, before);
  assert.ok(wasm.residentBytes() >= 0);
});

test('a LeNet-5 loop with a scope per step (as fit runs it): same weights as without, WebAssembly memory flat', () => {
  const wasm = findBackend('wasm') as WasmBackend;
  const train = (scoped: boolean): { weights: Float32Array[]; memory: number[] } => {
    ck.manualSeed(0);
    const model = ck.models.lenet5();
    const opt = new ck.optim.Adam(model.parameters(), { lr: 1e-3 });
    const g = new ck.Generator(5);
    const x = ck.randn([32, 1, 32, 32], { generator: g });
    const y = ck.randint(0, 10, [32], { generator: g });
    const memory: number[] = [];
    for (let step = 1; step <= 120; step++) {
      const run = (): void => {
        const stale = model.parameters().map((p) => p.grad);
        opt.zeroGrad();
        for (const t of stale) t?.dispose(); // as fit does: a sync loop gives the collector's callbacks no turn
        ck.nn.functional.crossEntropy(model.forward(x) as ck.Tensor, y).backward();
        opt.step();
      };
      if (scoped) ck.scope(run);
      else run();
      if (step % 40 === 0) memory.push(wasm.memoryBytes());
    }
    return { weights: model.parameters().map((p) => p.dataSync() as Float32Array), memory };
  };
  const plain = train(false);
  const scoped = train(true);
  assert.deepEqual(scoped.weights, plain.weights, 'resident results change nothing in the arithmetic');
  assert.equal(scoped.memory[2], scoped.memory[1], `WebAssembly memory grew between steps 80 and 120: ${scoped.memory.join(', ')}`);
});

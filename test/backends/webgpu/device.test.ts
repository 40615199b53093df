/**
 * The webgpu device's contract beyond the kernels: start-up through ready(), clear errors (float64, synchronous
 * reads, out-of-range indices), batched submission and the buffer pool.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../../src/index.js';
import type { WebGpuBackend } from '../../../src/backends/webgpu/index.js';
import { BufferPool, sizeClass } from '../../../src/backends/webgpu/buffer-pool.js';
import { findBackend } from '../../../src/backends/registry.js';
import { startWebgpu } from '../../helpers/webgpu.js';

test('webgpu is an optional backend: listed, never started by ready() without a name', async () => {
  assert.ok(ck.backendNames().includes('webgpu'));
  assert.throws(() => ck.setBackend('webgpu'), /await ck\.ready\('webgpu'\) first/);
  await ck.ready(); // must not try (and fail) to start a GPU
});

test('buffer size classes: four per power of two, never smaller than asked, at most 25% over', () => {
  assert.deepEqual([1, 256, 257, 1000, 1024, 1025, 1300, 1537, 4096].map(sizeClass), [256, 256, 320, 1024, 1024, 1280, 1536, 1792, 4096]);
  for (let b = 1; b < 1e6; b = Math.ceil(b * 1.37)) {
    const c = sizeClass(b);
    assert.ok(c >= b && (b <= 256 || c <= 1.25 * b + 4), `${b} -> ${c}`);
  }
});

test('buffer pool: reuses after a submission, destroys what stayed free for 64 submissions', () => {
  // a stand-in device: the pool only creates buffers and destroys them
  const made: { size: number; destroyed: boolean; destroy(): void }[] = [];
  const device = { createBuffer: ({ size }: { size: number }) => {
    const b = { size, destroyed: false, destroy() { this.destroyed = true; } };
    made.push(b);
    return b;
  } } as unknown as GPUDevice;
  const pool = new BufferPool(device, 0);
  // a moment when ten buffers are alive (tensors the collector found late), then a steady one-buffer loop
  const burst = Array.from({ length: 10 }, () => pool.acquire(1000));
  const held = pool.acquire(1000);
  pool.release(held);
  const second = pool.acquire(1000);
  assert.notEqual(second, held, 'a released buffer is not handed out before the next submission');
  for (const b of [...burst, second]) pool.release(b);
  pool.submitted();
  assert.equal(pool.snapshot().created, 12);
  for (let step = 0; step < 200; step++) {
    pool.release(pool.acquire(1000));
    pool.submitted();
  }
  const stats = pool.snapshot();
  assert.equal(stats.created, 12, 'the steady loop reuses');
  assert.equal(made.filter((b) => b.destroyed).length, 11, 'all but the one in use are destroyed once idle');
  assert.equal(stats.pooledBytes, 1024, 'one free buffer of the 1,024-byte class is left');
});

const skip = await startWebgpu('test/backends/webgpu/device.test.ts');
const backend = (): WebGpuBackend => findBackend('webgpu') as WebGpuBackend;

describe('webgpu device', { skip: skip ?? false }, () => {
  test('ready, setBackend, adapter description', () => {
    assert.ok(ck.backendNames().includes('webgpu'));
    assert.equal(ck.getBackend(), 'webgpu');
    assert.equal(ck.tensor([1, 2]).device, 'webgpu');
    assert.equal(typeof backend().adapter, 'string');
  });

  test('float64 is a clear error, not a silent downcast', () => {
    assert.throws(() => ck.tensor([1, 2], { dtype: 'float64' }), /float64 is not supported on webgpu/);
    assert.throws(() => ck.tensor([1, 2]).to('float64'), /float64 is not supported on webgpu/);
  });

  test('synchronous reads name the asynchronous alternative', () => {
    assert.throws(() => ck.tensor([1, 2]).dataSync(), /await t\.data\(\)/);
  });

  test('an out-of-range gather index rejects the next read, naming the op', async () => {
    const x = ck.tensor([1, 2, 3]);
    const bad = ck.gather(x, 0, ck.tensor([0, 5], { dtype: 'int32' }));
    await assert.rejects(bad.data(), /gather: an index is out of bounds/);
    // the flag is cleared: later reads succeed
    assert.deepEqual([...await ck.gather(x, 0, ck.tensor([2, 0], { dtype: 'int32' })).data()], [3, 1]);
  });

  test('bool and int32 round-trip exactly', async () => {
    assert.deepEqual([...await ck.tensor([true, false, true]).data()], [1, 0, 1]);
    assert.deepEqual([...await ck.tensor([-2147483648, 2147483647, 0], { dtype: 'int32' }).data()], [-2147483648, 2147483647, 0]);
  });

  test('a chain of ops is recorded into one submission, read back once', async () => {
    const before = backend().stats();
    let x = ck.tensor([1, 2, 3, 4]);
    for (let i = 0; i < 50; i++) x = ck.add(ck.mul(x, 0.5), 1);
    const out = await x.data();
    const after = backend().stats();
    assert.equal(after.submissions - before.submissions, 1);
    assert.ok(after.dispatches - before.dispatches >= 100);
    assert.ok(Math.abs(out[0] - 2) < 1e-5);
  });

  test('a released buffer is handed out again after the next submission, not before', async () => {
    const release = (t: ck.Tensor): void => (t.storage as unknown as { release(): void }).release();
    const values = Array.from({ length: 300 }, (_, i) => i);
    const a = ck.tensor(values);
    await a.data();
    const created = backend().stats().created;
    release(a);
    const c = ck.tensor(values); // recorded work may still read a's buffer: a new one
    assert.equal(backend().stats().created, created + 1);
    await c.data(); // a submission
    const b = ck.tensor(values); // now a's buffer comes back
    assert.equal(backend().stats().created, created + 1);
    assert.deepEqual([...await b.data()], values);
  });

  // last: it destroys the device this file shares
  test('a lost device is reported by the next op and read, not a hang', async () => {
    const x = ck.tensor([1, 2, 3]);
    const pending = ck.exp(x);
    backend().context.device.destroy();
    await backend().context.device.lost;
    assert.throws(() => ck.add(x, 1), /WebGPU device was lost \(destroyed/);
    await assert.rejects(pending.data(), /WebGPU device was lost/);
  });
});

import type { DType } from '../../core/dtype.js';
import type { Storage, View } from '../backend.js';
import type { GpuContext } from './context.js';

/** The buffer of one storage and whether it went back to the pool: freeing twice is a no-op, never a double release. */
export class BufferHandle {
  private freed = false;
  constructor(readonly ctx: GpuContext, readonly buffer: GPUBuffer) {}
  free(): void {
    if (this.freed) return;
    this.freed = true;
    this.ctx.pool.release(this.buffer);
  }
}

/**
 * A tensor's elements in a GPU buffer: 4 bytes per element whatever the dtype (f32 for float32, i32 for
 * int32 and bool), so every kernel indexes in elements. The buffer goes back to the pool when the storage
 * is released or, as a safety net, when it is garbage-collected.
 */
export class GpuStorage implements Storage {
  readonly device = 'webgpu';
  readonly handle: BufferHandle;

  constructor(readonly ctx: GpuContext, readonly buffer: GPUBuffer, readonly dtype: DType, readonly length: number) {
    this.handle = new BufferHandle(ctx, buffer);
    collected.register(this, this.handle, this);
  }

  get bytes(): number {
    return this.length * 4;
  }

  /** Hands the buffer back now (idempotent); the storage must not be used afterwards. */
  release(): void {
    collected.unregister(this);
    this.handle.free();
  }
}

const collected = new FinalizationRegistry<BufferHandle>((handle) => handle.free());

export function gpuStorage(s: Storage, op: string): GpuStorage {
  if (!(s instanceof GpuStorage)) throw new Error(`${op}: expected a tensor on 'webgpu', got one on '${s.device}'`);
  return s;
}

export function bufferOf(v: View, op: string): GPUBuffer {
  return gpuStorage(v.storage, op).buffer;
}

/** float64 has no WGSL type: a clear error rather than a silent downcast. */
export function checkDType(dtype: DType, op: string): void {
  if (dtype === 'float64') throw new TypeError(`${op}: float64 is not supported on webgpu (WGSL has no 64-bit floats); use float32 or a CPU backend`);
}

/**
 * One WebGPU device and everything shared by its kernels: the buffer pool, the pipeline cache, the
 * parameter ("meta") buffers, and the command batching. Kernels record dispatches into one open compute
 * pass; the batch is submitted when a read needs it or after `BATCH` dispatches, so a training step is a
 * handful of submissions rather than one per op.
 */
import { BufferPool, type PoolStats } from './buffer-pool.js';

const BATCH = 512;
/** Parameter buffers are cached by content (the same shapes recur every training step); beyond this, start over. */
const META_CACHE = 4096;

/** Errors a kernel reports from the GPU through the flags buffer, read back with every download. */
export const FLAG_MESSAGES: Record<number, string> = {
  1: 'gather: an index is out of bounds for the gathered dimension',
  2: 'scatterAdd: an index is out of bounds for the scattered dimension',
};

export interface TransferStats extends PoolStats {
  submissions: number;
  dispatches: number;
  bytesUploaded: number;
  bytesDownloaded: number;
  pipelines: number;
}

export class GpuContext {
  readonly pool: BufferPool;
  /** One i32 per error kind, set by kernels (atomicMax) and checked when data is read back. */
  readonly flags: GPUBuffer;
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly metas = new Map<string, GPUBuffer>();
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private recorded = 0;
  private lostReason: string | null = null;
  private gpuError: string | null = null;
  private readonly counters = { submissions: 0, dispatches: 0, bytesUploaded: 0, bytesDownloaded: 0 };

  /**
   * @param software the adapter emulates a GPU on the CPU (SwiftShader): kernel plans prefer plain loops there
   * (tests switch it to run the tiled kernels on SwiftShader too)
   */
  constructor(readonly device: GPUDevice, readonly description: string, public software = false) {
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    this.pool = new BufferPool(device, usage);
    this.flags = device.createBuffer({ size: 16, usage });
    void device.lost.then((info) => {
      this.lostReason = `${info.reason}${info.message ? `: ${info.message}` : ''}`;
    });
    device.addEventListener('uncapturederror', (e) => {
      this.gpuError ??= (e as GPUUncapturedErrorEvent).error.message;
    });
  }

  /** Throws when the device is gone, so a lost GPU is an error at the next op rather than a hang. */
  checkAlive(op: string): void {
    if (this.lostReason !== null) throw new Error(`${op}: the WebGPU device was lost (${this.lostReason}); await ck.ready('webgpu') cannot revive it, restart the process or page`);
  }

  pipeline(code: string): GPUComputePipeline {
    let p = this.pipelines.get(code);
    if (!p) {
      p = this.device.createComputePipeline({ layout: 'auto', compute: { module: this.device.createShaderModule({ code }), entryPoint: 'main' } });
      this.pipelines.set(code, p);
    }
    return p;
  }

  /** A read-only i32 buffer holding `values` (shapes, strides, offsets of one dispatch). */
  meta(values: readonly number[]): GPUBuffer {
    const key = values.join(',');
    let b = this.metas.get(key);
    if (!b) {
      if (this.metas.size >= META_CACHE) this.dropMetas();
      b = this.device.createBuffer({ size: Math.max(16, values.length * 4), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, mappedAtCreation: true });
      new Int32Array(b.getMappedRange()).set(values.map((v) => v | 0));
      b.unmap();
      this.metas.set(key, b);
    }
    return b;
  }

  /** An immutable i32 buffer built once per key (a convolution's address tables), kept like the meta buffers. */
  constant(key: string, build: () => Int32Array): GPUBuffer {
    let b = this.metas.get(key);
    if (!b) {
      if (this.metas.size >= META_CACHE) this.dropMetas();
      const values = build();
      b = this.device.createBuffer({ size: Math.max(16, values.byteLength), usage: GPUBufferUsage.STORAGE, mappedAtCreation: true });
      new Int32Array(b.getMappedRange()).set(values);
      b.unmap();
      this.metas.set(key, b);
    }
    return b;
  }

  /** Records one dispatch of `groups` workgroups (folded into 2-D past the 65535 limit) with `buffers` bound in order. */
  dispatch(op: string, code: string, buffers: readonly GPUBuffer[], groups: number): void {
    this.checkAlive(op);
    if (groups <= 0) return;
    const pipeline = this.pipeline(code);
    const entries = buffers.map((buffer, binding) => ({ binding, resource: { buffer } }));
    const bindGroup = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    const pass = this.openPass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    const x = Math.min(groups, 65535);
    pass.dispatchWorkgroups(x, Math.ceil(groups / x));
    this.counters.dispatches++;
    if (++this.recorded >= BATCH) this.flush();
  }

  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    this.checkAlive('copy');
    if (bytes === 0) return;
    this.closePass();
    this.openEncoder().copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
  }

  upload(data: ArrayBufferView): GPUBuffer {
    this.checkAlive('fromHost');
    const buffer = this.pool.acquire(data.byteLength);
    this.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    this.counters.bytesUploaded += data.byteLength;
    return buffer;
  }

  /** Submits everything recorded so far. */
  flush(): void {
    this.closePass();
    if (this.encoder) {
      this.device.queue.submit([this.encoder.finish()]);
      this.counters.submissions++;
      this.encoder = null;
      this.recorded = 0;
    }
    this.pool.submitted();
  }

  /** Copies `bytes` of `buffer` to the host through a staging buffer; rejects with any error a kernel flagged. */
  async read(buffer: GPUBuffer, offset: number, bytes: number): Promise<ArrayBuffer> {
    this.checkAlive('read');
    const staging = this.device.createBuffer({ size: Math.max(16, bytes + 16), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    this.copy(this.flags, 0, staging, 0, 16);
    this.copy(buffer, offset, staging, 16, bytes);
    this.flush();
    try {
      await staging.mapAsync(GPUMapMode.READ);
    } catch (e) {
      this.checkAlive('read');
      throw e;
    }
    const all = staging.getMappedRange().slice(0);
    staging.destroy();
    this.counters.bytesDownloaded += bytes;
    this.throwReported(new Int32Array(all, 0, 4));
    return all.slice(16, 16 + bytes);
  }

  stats(): TransferStats {
    return { ...this.pool.snapshot(), ...this.counters, pipelines: this.pipelines.size };
  }

  private throwReported(flags: Int32Array): void {
    const gpuError = this.gpuError;
    this.gpuError = null;
    if (gpuError !== null) throw new Error(`webgpu: a kernel failed on the GPU: ${gpuError}`);
    const code = flags.find((f) => f !== 0);
    if (code === undefined) return;
    this.device.queue.writeBuffer(this.flags, 0, new Int32Array(4));
    throw new RangeError(`${FLAG_MESSAGES[code] ?? `error code ${code}`} (reported by the GPU when the result was read)`);
  }

  private dropMetas(): void {
    this.flush(); // the cached buffers may be bound by recorded dispatches
    for (const b of this.metas.values()) b.destroy();
    this.metas.clear();
  }

  private openEncoder(): GPUCommandEncoder {
    this.encoder ??= this.device.createCommandEncoder();
    return this.encoder;
  }

  private openPass(): GPUComputePassEncoder {
    this.pass ??= this.openEncoder().beginComputePass();
    return this.pass;
  }

  private closePass(): void {
    this.pass?.end();
    this.pass = null;
  }
}

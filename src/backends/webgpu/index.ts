/**
 * The webgpu backend: tensors in GPU buffers, kernels in WGSL (docs/webgpu.md). Registered lazily from the main
 * entry: nothing is loaded until `await ck.ready('webgpu')`, which rejects with the reason when there is no
 * WebGPU; then `ck.setBackend('webgpu')` makes it the device of new tensors.
 */
import '../../index.js'; // the main entry: bundlers then keep its modules in one shared chunk (src/index.ts says why)
import type { DType, TypedArray } from '../../core/dtype.js';
import type { Backend, Kernels, Storage } from '../backend.js';
import { registerLazyBackend } from '../registry.js';
import { requestDevice } from './adapter.js';
import { GpuContext, type TransferStats } from './context.js';
import { convKernels } from './conv.js';
import { dataKernels } from './data-kernels.js';
import { elementwiseKernels } from './elementwise.js';
import { indexingKernels } from './indexing.js';
import { matmulKernels } from './matmul.js';
import { optimizerKernels } from './optimizer.js';
import { poolingKernels } from './pooling.js';
import { reduceKernels } from './reduce.js';
import { checkDType, GpuStorage, gpuStorage } from './storage.js';

export interface WebGpuBackend extends Backend {
  /** The adapter in words (vendor, architecture, device). */
  readonly adapter: string;
  /** Submissions, dispatches, bytes moved and pool occupancy since start-up. */
  stats(): TransferStats;
  /** Submits recorded work and waits until the GPU has finished it. */
  sync(): Promise<void>;
  readonly context: GpuContext;
}

export function webgpuKernels(ctx: GpuContext): Kernels {
  return {
    ...dataKernels(ctx),
    ...elementwiseKernels(ctx),
    ...reduceKernels(ctx),
    ...matmulKernels(ctx),
    ...indexingKernels(ctx),
    ...convKernels(ctx),
    ...poolingKernels(ctx),
    ...optimizerKernels(ctx),
  };
}

/** Host values as the GPU stores them: 4 bytes per element, bool widened to i32. */
function toDevice(data: TypedArray, dtype: DType): Float32Array | Int32Array {
  if (dtype === 'float32') return data instanceof Float32Array ? data : Float32Array.from(data);
  return data instanceof Int32Array ? data : Int32Array.from(data);
}

function fromDevice(bytes: ArrayBuffer, dtype: DType): TypedArray {
  if (dtype === 'float32') return new Float32Array(bytes);
  const ints = new Int32Array(bytes);
  return dtype === 'bool' ? Uint8Array.from(ints, (v) => (v !== 0 ? 1 : 0)) : ints;
}

export function webgpuBackend(ctx: GpuContext): WebGpuBackend {
  return {
    name: 'webgpu',
    device: 'webgpu',
    dtypes: ['float32', 'int32', 'bool'],
    adapter: ctx.description,
    context: ctx,
    kernels: webgpuKernels(ctx),
    fromHost(data: TypedArray, dtype: DType): Storage {
      checkDType(dtype, 'webgpu tensor');
      return new GpuStorage(ctx, ctx.upload(toDevice(data, dtype)), dtype, data.length);
    },
    // no readSync: GPU memory is read asynchronously (`await t.data()`), so library code never reads it synchronously
    releaser(s: Storage): () => void {
      const handle = gpuStorage(s, 'release').handle;
      return () => handle.free();
    },
    async read(s: Storage): Promise<TypedArray> {
      const g = gpuStorage(s, 'read');
      return fromDevice(await ctx.read(g.buffer, 0, g.bytes), g.dtype);
    },
    stats: () => ctx.stats(),
    async sync(): Promise<void> {
      ctx.flush();
      await ctx.device.queue.onSubmittedWorkDone();
    },
  };
}

export async function createWebgpuBackend(): Promise<WebGpuBackend> {
  const { device, description, software } = await requestDevice();
  return webgpuBackend(new GpuContext(device, description, software));
}

/** Lists 'webgpu' as an optional backend: only `await ck.ready('webgpu')` starts it; nothing loads before that. */
export function registerWebgpuBackend(): void {
  registerLazyBackend('webgpu', createWebgpuBackend, { optional: true });
}

/**
 * The wasm backend: the reference kernel table with the hot kernels replaced by WebAssembly SIMD ones that
 * split work across threads. Storage is the same CpuStorage, so any kernel not accelerated here runs the
 * reference kernel on the very same arrays.
 */
import type { Backend, Kernels, Storage } from '../backend.js';
import { isNode, preloadNodeBuiltins } from '../platform.js';
import { registerBackend, registerLazyBackend } from '../registry.js';
import { hostBackend, referenceKernels } from '../reference/index.js';
import { wasmChannelAffine } from './channel-affine.js';
import { wasmActivationBackward } from './activation.js';
import { wasmConvKernels } from './conv.js';
import { wasmElementwise } from './elementwise.js';
import { fastPooling } from './fast/pooling.js';
import { fastArgsort } from './fast/sort.js';
import { wasmLinear } from './linear.js';
import { wasmMatmul } from './matmul.js';
import { wasmPooling } from './pooling.js';
import { ResidentStorage } from './resident-storage.js';
import { WasmRuntime, type WasmFeatures } from './runtime.js';
import { WeightCache } from './weight-cache.js';

export interface WasmBackend extends Backend {
  readonly features: WasmFeatures;
  /** Threads a large kernel would use now: getNumThreads(), bounded by the workers that have started. */
  activeThreads(): number;
  /** Bytes of WebAssembly memory the kernels have grown to (their high-water mark; it never shrinks). */
  memoryBytes(): number;
  /** Bytes in resident blocks (cached weights) now in use. */
  residentBytes(): number;
  /** Weights resident in WebAssembly memory per storage version (weight-cache.ts). */
  readonly weightCache: WeightCache;
}

/** The wasm backend over runtime `rt`; `name` (its device) is 'wasm' but for a second runtime in tests. */
export function wasmBackend(rt: WasmRuntime, name = 'wasm'): WasmBackend {
  const cache = new WeightCache(rt);
  const kernels: Kernels = {
    ...referenceKernels,
    ...wasmElementwise(rt), // binary, unary, reduce; small tensors go to fast/ JavaScript loops
    ...wasmPooling(rt),
    scatterAdd: fastPooling.scatterAdd,
    maxPoolBackward: fastPooling.maxPoolBackward,
    matmul: wasmMatmul(rt),
    activationBackward: wasmActivationBackward(rt),
    linear: wasmLinear(rt, cache),
    ...wasmConvKernels(rt, cache),
    channelAffine: wasmChannelAffine(rt),
    argsort: fastArgsort,
  };
  return {
    ...hostBackend(name, kernels, true),
    // resident storages (results inside a scope) are freed by scopes and dispose; typed arrays by the collector
    releaser: (s: Storage) => (s instanceof ResidentStorage ? s.releaser() : null),
    features: rt.features,
    activeThreads: () => rt.threads(),
    memoryBytes: () => rt.memory.buffer.byteLength,
    residentBytes: () => rt.residentBytes,
    weightCache: cache,
    warmUp: async () => void (await rt.warmUp()),
  };
}

/** Compiles synchronously where the runtime allows it (Node, workers); null where it must be asynchronous. */
export function wasmBackendSync(): WasmBackend | null {
  try {
    return wasmBackend(WasmRuntime.createSync());
  } catch {
    return null;
  }
}

export async function createWasmBackend(): Promise<WasmBackend> {
  await preloadNodeBuiltins(['worker_threads', 'os']);
  return wasmBackend(await WasmRuntime.create());
}

/**
 * Makes wasm the default CPU backend. Where it compiles synchronously (Node) it is current as soon as convkit
 * is imported, and its worker threads start then; elsewhere (a browser's main thread) code runs on the reference backend until `await ck.ready()`
 * has compiled it, and then on wasm unless the user picked a backend with setBackend.
 */
export function registerWasmBackend(): void {
  const backend = wasmBackendSync();
  if (backend) {
    registerBackend(backend, { preferred: true });
    // Node: the workers start now, so they are ready before the first timed work rather than joining mid-run
    // (a browser page starts them at ready(): its main thread cannot let a worker start while it computes)
    if (isNode) backend.activeThreads();
  } else registerLazyBackend('wasm', createWasmBackend, { preferred: true });
}

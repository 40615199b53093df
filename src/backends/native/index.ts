/**
 * The native backend: oneDNN's JIT kernels (AVX-512 where the CPU has it) for convolutions and matrix products,
 * through a Node addon, on the same CPU storage as the other CPU backends (typed arrays, garbage-collected, read
 * synchronously). Every other kernel is the wasm backend's. Registered lazily: `await ck.ready('native')` loads
 * the addon, or rejects with how to install it.
 */
import type { AllKernels, Backend } from '../backend.js';
import { hostBackend } from '../reference/index.js';
import { findBackend, ready, registerLazyBackend } from '../registry.js';
import { loadAddon, type NativeAddon } from './addon.js';
import { nativeKernels } from './kernels.js';

export interface NativeBackend extends Backend {
  /** The oneDNN version the addon was built against. */
  readonly oneDNNVersion: string;
}

export function nativeBackend(addon: NativeAddon, base: Backend): NativeBackend {
  // the wasm kernels (all of them: wasm starts from the reference table) with oneDNN's in front, on device 'native'
  const kernels = base.kernels as AllKernels;
  return {
    ...hostBackend('native', { ...kernels, ...nativeKernels(addon, kernels) }, true),
    warmUp: base.warmUp,
    oneDNNVersion: addon.version(),
  };
}

async function createNativeBackend(): Promise<Backend> {
  const addon = loadAddon();
  await ready('wasm');
  return nativeBackend(addon, findBackend('wasm'));
}

export function registerNativeBackend(): void {
  registerLazyBackend('native', createNativeBackend, { optional: true });
}

/**
 * Host-memory devices. The reference and wasm backends (and the strict test backend) keep typed arrays in
 * CpuStorage and share kernels, so a kernel of one may build the storage of another; each backend's table is
 * wrapped so that every storage it returns carries that backend's device, which is how a tensor knows where
 * it lives and an op refuses to mix devices.
 */
import { CpuStorage } from './backend.js';

function retag(result: unknown, device: string): void {
  if (result instanceof CpuStorage) result.device = device;
  else if (result !== null && typeof result === 'object') {
    // maxPool's { values, indices }
    for (const v of Object.values(result)) if (v instanceof CpuStorage) v.device = device;
  }
}

/** The kernel table with every returned storage tagged as `device`'s (kernels return fresh storages only). */
export function onDevice<K extends object>(kernels: K, device: string): K {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(kernels)) {
    out[name] = (...args: unknown[]) => {
      const result = (fn as (...a: unknown[]) => unknown)(...args);
      retag(result, device);
      return result;
    };
  }
  return out as K;
}

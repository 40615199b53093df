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

type AnyKernel = (a?: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown, f?: unknown, g?: unknown, h?: unknown) => unknown;

/**
 * The kernel table with every returned storage tagged as `device`'s (kernels return fresh storages only).
 * Every op pays this wrapper, so it takes fixed parameters (no rest array, no spread call per kernel call);
 * kernels take at most six arguments (backend.ts), and an unused trailing one is undefined as if not given.
 */
export function onDevice<K extends object>(kernels: K, device: string): K {
  const out: Record<string, unknown> = {};
  for (const [name, kernel] of Object.entries(kernels)) {
    const fn = kernel as AnyKernel;
    out[name] = (a?: unknown, b?: unknown, c?: unknown, d?: unknown, e?: unknown, f?: unknown, g?: unknown, h?: unknown) => {
      const result = fn(a, b, c, d, e, f, g, h);
      retag(result, device);
      return result;
    };
  }
  return out as K;
}

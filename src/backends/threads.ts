/** How many threads the CPU backends may use for one kernel (torch.set_num_threads). */
import { nodeBuiltin, sharedMemorySupported } from './platform.js';

function hardwareThreads(): number {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (nav?.hardwareConcurrency) return nav.hardwareConcurrency;
  const os = nodeBuiltin<{ availableParallelism?: () => number; cpus: () => unknown[] }>('os');
  return os ? (os.availableParallelism?.() ?? os.cpus().length) : 1;
}

let numThreads: number | null = null;
let threadsPossible: boolean | null = null;

/**
 * Threads for intra-op parallelism: the setting (default all cores), but 1 where workers cannot share memory
 * (a browser page without cross-origin isolation), because that is what runs there.
 */
export function getNumThreads(): number {
  numThreads ??= Math.max(1, hardwareThreads());
  threadsPossible ??= sharedMemorySupported();
  return threadsPossible ? numThreads : 1;
}

export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setNumThreads: expected a positive integer, got ${n}`);
  numThreads = n;
}

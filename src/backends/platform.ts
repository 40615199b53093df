/**
 * What the JavaScript runtime offers, detected rather than assumed: Node built-ins, shared memory,
 * blocking waits. Browser code paths never import Node modules; Node ones are reached through
 * process.getBuiltinModule (Node >= 20.16) or, on older Node, through the asynchronous preload below.
 */

type Builtins = Record<string, unknown>;
const preloaded: Builtins = {};

interface NodeProcess {
  versions?: { node?: string };
  getBuiltinModule?: (name: string) => unknown;
}

const nodeProcess = (globalThis as { process?: NodeProcess }).process;

export const isNode = typeof nodeProcess?.versions?.node === 'string';

/** A Node built-in module by name ('os', 'worker_threads'), or undefined outside Node. */
export function nodeBuiltin<T>(name: string): T | undefined {
  if (!isNode) return undefined;
  return (preloaded[name] ?? nodeProcess?.getBuiltinModule?.(`node:${name}`)) as T | undefined;
}

/** Loads Node built-ins asynchronously, for Node versions without process.getBuiltinModule. */
export async function preloadNodeBuiltins(names: readonly string[]): Promise<void> {
  if (!isNode) return;
  for (const name of names) {
    if (preloaded[name] !== undefined || nodeProcess?.getBuiltinModule) continue;
    const specifier = `node:${name}`; // a variable, so browser bundlers leave it alone
    preloaded[name] = await import(/* @vite-ignore */ specifier);
  }
}

/**
 * Shared WebAssembly memory needs SharedArrayBuffer, which browsers only give cross-origin isolated pages.
 * Probing by construction answers for every runtime at once.
 */
export function sharedMemorySupported(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  try {
    return new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch {
    return false;
  }
}

/** Whether this thread may block in Atomics.wait (Node's main thread and workers may, a browser's main thread may not). */
export function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Node 20 ships WebAssembly relaxed SIMD (fused multiply-add) behind a flag that a user would have to pass by hand.
 * V8 honours it when set before a module is validated or compiled, so convkit turns it on itself; newer Node has
 * it on already, and a runtime that rejects the flag simply keeps the plain SIMD build (chooseBuild validates).
 */
export function enableRelaxedSimd(): void {
  const v8 = nodeBuiltin<{ setFlagsFromString: (flags: string) => void }>('v8');
  const major = Number(nodeProcess?.versions?.node?.split('.')[0]);
  if (v8 && major === 20) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
}

import type { Backend } from './backend.js';

const backends = new Map<string, Backend>();
const initialisers = new Map<string, () => Promise<Backend>>();
const preferred = new Set<string>();
/** Backends that need something the platform may lack (a native addon, a GPU): `ready()` without a name skips them. */
const optional = new Set<string>();
let current: Backend | null = null;
/** Set once the user picks a backend: from then on a preferred backend that finishes starting does not take over. */
let chosen = false;

export interface RegisterOptions {
  /** Becomes the current backend once available, unless the user has called setBackend. */
  preferred?: boolean;
  /** Only initialised when asked for by name (`ready('native')`), never by a bare `ready()`. */
  optional?: boolean;
}

export function registerBackend(backend: Backend, opts: RegisterOptions = {}): void {
  if (backend.device !== backend.name) throw new Error(`registerBackend: a backend's device is its name, got name '${backend.name}' and device '${backend.device}'`);
  backends.set(backend.name, backend);
  if (current === null || (opts.preferred && !chosen)) current = backend;
}

/** Registers a backend whose start-up is asynchronous (WebAssembly compilation, a GPU adapter). */
export function registerLazyBackend(name: string, init: () => Promise<Backend>, opts: RegisterOptions = {}): void {
  initialisers.set(name, init);
  if (opts.preferred) preferred.add(name);
  if (opts.optional) optional.add(name);
}

export function backendNames(): string[] {
  return [...new Set([...backends.keys(), ...initialisers.keys()])];
}

export function getBackend(): string {
  return currentBackend().name;
}

export function currentBackend(): Backend {
  if (current === null) throw new Error('convkit: no backend is registered');
  return current;
}

export function findBackend(name: string, op = 'setBackend'): Backend {
  const b = backends.get(name);
  if (b) return b;
  if (initialisers.has(name)) throw new Error(`${op}: backend '${name}' is not initialised yet; await ck.ready('${name}') first`);
  throw new Error(`${op}: unknown backend '${name}', available: ${backendNames().join(', ')}`);
}

/** The backend that holds a device's storages (a device is named after its backend). */
export function backendOf(device: string): Backend {
  return findBackend(device, 'device');
}

/**
 * Where data pipelines keep samples: the current backend when the host reads it directly (CPU), else the
 * preferred CPU backend; training moves each batch to the model's device.
 */
export function hostDevice(): string {
  const be = currentBackend();
  if (be.readSync) return be.name;
  return [...backends.values()].filter((b) => b.readSync).sort((a, b) => Number(preferred.has(b.name)) - Number(preferred.has(a.name)))[0]?.name ?? be.name;
}

/** Whether tensors on `device` can be read synchronously (dataSync, item): true on CPU devices. */
export function readsSync(device: string): boolean {
  return backends.get(device)?.readSync !== undefined;
}

export function setBackend(name: string): void {
  current = findBackend(name);
  chosen = true;
}

/**
 * Initialises a lazily registered backend and finishes its start-up (idempotent); rejects with the reason when it
 * cannot start. Without a name, all of them except the optional ones (native, GPU), which start only when named.
 */
export async function ready(name?: string): Promise<void> {
  if (name !== undefined && typeof name !== 'string') throw new TypeError(`ready: expected a backend name (string), got ${typeof name}`);
  const names = name === undefined ? backendNames().filter((n) => backends.has(n) || !optional.has(n)) : [name];
  for (const n of names) {
    if (!backends.has(n)) {
      const init = initialisers.get(n);
      if (!init) throw new Error(`ready: unknown backend '${n}', available: ${backendNames().join(', ')}`);
      registerBackend(await init(), { preferred: preferred.has(n) });
    }
    await backends.get(n)?.warmUp?.();
  }
}

/** Runs `fn` with `name` as the current backend, restoring the previous one after (tests, benchmarks). */
export function withBackend<T>(name: string, fn: () => T): T {
  const prev = current;
  current = findBackend(name);
  try {
    return fn();
  } finally {
    current = prev;
  }
}

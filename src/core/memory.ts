/**
 * Device memory without dispose(): every storage on a device that owns its memory (a GPU, the strict test
 * device) is counted from the moment a tensor first holds it, and released deterministically by scopes
 * (`scope(fn)`), by `dispose()`, or by the FinalizationRegistry safety net once the garbage collector has taken
 * its last tensor. CPU storages are typed arrays the collector frees by itself: they are not counted, and
 * scopes and dispose leave them alone, so the CPU pays nothing for this. The wasm backend's results made inside
 * a scope live in WebAssembly memory (src/backends/wasm/resident-storage.ts): those are counted and freed here.
 */
import type { Storage } from '../backends/backend.js';
import { backendOf } from '../backends/registry.js';
import type { DType } from './dtype.js';

const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

interface Entry {
  readonly device: string;
  readonly bytes: number;
  disposed: boolean;
  /** Exempt from scopes: parameters, gradients, optimiser state, buffers, cached constants. */
  kept: boolean;
  readonly free: () => void;
}

export interface DeviceMemory {
  /** Live storages on the device (views share one). */
  tensors: number;
  bytes: number;
}

const entries = new WeakMap<Storage, Entry>();
const live = new Map<string, DeviceMemory>();
const scopes: Set<Storage>[] = [];

function release(entry: Entry): void {
  if (entry.disposed) return;
  entry.disposed = true;
  const m = live.get(entry.device);
  if (m) {
    m.tensors--;
    m.bytes -= entry.bytes;
  }
  entry.free();
}

const collected = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<Entry>(release) : null;

/**
 * Counts a storage the first time a tensor holds it, and hands it to the innermost scope. Every tensor made
 * passes here, so a device without a releaser (reference: the collector frees its arrays) returns after one
 * map lookup, before the WeakMap is consulted.
 */
export function track(storage: Storage): void {
  const releaser = backendOf(storage.device).releaser;
  if (!releaser || entries.has(storage)) return;
  // a releaser may decline a storage (the wasm device's host arrays): then the collector frees it
  const free = releaser(storage);
  if (!free) return;
  const entry: Entry = {
    device: storage.device,
    bytes: storage.length * BYTES[storage.dtype],
    disposed: false,
    kept: false,
    free,
  };
  entries.set(storage, entry);
  let m = live.get(entry.device);
  if (!m) live.set(entry.device, (m = { tensors: 0, bytes: 0 }));
  m.tensors++;
  m.bytes += entry.bytes;
  collected?.register(storage, entry, entry);
  scopes[scopes.length - 1]?.add(storage);
}

interface HasStorage {
  readonly storage: Storage;
}

/** Frees the tensor's storage now (every view of it too); using it afterwards is an error. */
export function disposeStorage(storage: Storage): void {
  const entry = entries.get(storage);
  if (!entry) return;
  collected?.unregister(entry);
  release(entry);
}

/** Whether a scope is open: code inside one frees what it does not return, so a backend may place its results in memory it manages. */
export function inScope(): boolean {
  return scopes.length > 0;
}

/** Marks a tensor as outliving every scope (until dispose or collection); returns it. */
export function keep<T extends HasStorage>(t: T): T {
  const entry = entries.get(t.storage);
  if (entry) entry.kept = true;
  return t;
}

export function isDisposed(storage: Storage): boolean {
  return entries.get(storage)?.disposed ?? false;
}

/** Throws when a kernel is handed a disposed tensor. */
export function checkLive(storage: Storage, op: string): void {
  if (entries.get(storage)?.disposed) throw new Error(`${op}: the tensor was disposed (by dispose() or at the end of a ck.scope); keep it with ck.keep(t) or return it from the scope`);
}

/** Live tensors and bytes per device that owns its memory, e.g. `{ webgpu: { tensors: 12, bytes: 48000 } }`. */
export function memoryStats(): Record<string, DeviceMemory> {
  return Object.fromEntries([...live].map(([d, m]) => [d, { ...m }]));
}

/** The storages reachable from a scope's result: tensors, arrays and plain objects of them. */
function collect(value: unknown, out: Set<Storage>, seen: Set<unknown>): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if ('storage' in value && (value as HasStorage).storage && entries.has((value as HasStorage).storage)) {
    out.add((value as HasStorage).storage);
    const grad = (value as { grad?: unknown }).grad;
    if (grad) collect(grad, out, seen);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collect(v, out, seen);
  else if (Object.getPrototypeOf(value) === Object.prototype || value instanceof Map) {
    for (const v of value instanceof Map ? value.values() : Object.values(value)) collect(v, out, seen);
  }
}

function close(own: Set<Storage>, result: unknown): void {
  const index = scopes.lastIndexOf(own);
  if (index >= 0) scopes.splice(index, 1);
  const returned = new Set<Storage>();
  collect(result, returned, new Set());
  const outer = scopes[scopes.length - 1];
  for (const s of own) {
    const entry = entries.get(s);
    if (!entry || entry.disposed || entry.kept) continue;
    if (returned.has(s)) outer?.add(s);
    else disposeStorage(s);
  }
}

/**
 * Runs `fn` and frees every tensor it created that it does not return (in an array or a plain object) and that
 * was not kept: a training step's activations, gradients of intermediates, temporaries. `fn` may be async; the
 * scope then closes when its promise settles. Tensors created by other code while an async scope awaits are
 * counted in it too, so run one async scope at a time.
 */
export function scope<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError(`scope: expected a function, got ${typeof fn}`);
  const own = new Set<Storage>();
  scopes.push(own);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    close(own, undefined);
    throw e;
  }
  if (result instanceof Promise) {
    return result.then(
      (v) => (close(own, v), v),
      (e) => {
        close(own, undefined);
        throw e;
      },
    ) as T;
  }
  close(own, result);
  return result;
}

/**
 * The compiled kernels, their memory and two allocators over it. Each kernel call copies its operands in, runs,
 * and copies the result out into an ordinary typed array, so tensors stay plain garbage-collected JS objects:
 * that per-call scratch is a bump allocator reset by `begin()`. Below the scratch lie the resident blocks that
 * outlive calls (cached weights and their transforms, weight-cache.ts), handed out by size class; a block carved
 * while a call's scratch is in use goes above that scratch, and the gap it leaves joins the free lists once the
 * call is over. The memory keeps its high-water mark instead of being reallocated.
 */
import { enableRelaxedSimd, sharedMemorySupported } from '../platform.js';
import { getNumThreads } from '../threads.js';
import { ACTIVATION_GRADS } from './activation-ops.js';
import { buildBytes, buildBytesSync, type BuildName } from './builds.js';
import { WASM_BINARY_OPS, WASM_COMPARE_OPS, WASM_UNARY_OPS } from './elementwise-ops.js';
import { ThreadPool } from './pool.js';
import { classOf, classSize, FreeLists } from './size-classes.js';

/** The exported kernels, every argument an i32 (pointers are byte offsets, sizes and strides element counts) but the activations' f32 parameter. */
export const KERNEL_NAMES = [
  'gemmBatch', 'im2col', 'col2im', 'convImages', 'convBackwardInputImages', 'convBackwardWeightImages',
  'convBatched', 'convBackwardInputBatched', 'convBackwardWeightBatched', 'convBackwardWeightDirect', 'depthwise', 'sumRows', 'maxPool2d', 'winogradPad', 'winogradFilters', 'winogradConv', 'winogradWeight',
  'channelAffine',
  ...WASM_BINARY_OPS.map((op) => `binary_${op}` as const),
  ...WASM_UNARY_OPS.map((op) => `unary_${op}` as const),
  ...WASM_COMPARE_OPS.map((op) => `compare_${op}` as const),
  ...ACTIVATION_GRADS.map((op) => `activation_${op}` as const),
] as const;
export type KernelName = (typeof KERNEL_NAMES)[number];
type Kernel = (...args: number[]) => void;

export interface WasmFeatures {
  /** relaxed-SIMD fused multiply-add (Node >= 20, where convkit sets V8's flag itself on Node 20; Chromium >= 114) */
  relaxedSimd: boolean;
  /** shared memory and so worker threads (not in browsers without cross-origin isolation) */
  threads: boolean;
}

// Two tiny modules answer which build this runtime accepts, so a browser fetches only that one build:
// (func (param v128) (result v128) local.get 0), and the same with f32x4.relaxed_madd of its argument.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 6, 1, 96, 1, 123, 1, 123, 3, 2, 1, 0, 10, 6, 1, 4, 0, 32, 0, 11]);
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 6, 1, 96, 1, 123, 1, 123, 3, 2, 1, 0, 10, 13, 1, 11, 0, 32, 0, 32, 0, 32, 0, 253, 133, 2, 11,
]);

/** Which build to load: relaxed SIMD where accepted, shared memory where threads can run. */
export function chooseBuild(): { name: BuildName; features: WasmFeatures } {
  enableRelaxedSimd();
  const threads = sharedMemorySupported();
  if (WebAssembly.validate(RELAXED_PROBE)) return { name: threads ? 'RELAXED_SHARED' : 'RELAXED', features: { relaxedSimd: true, threads } };
  if (!WebAssembly.validate(SIMD_PROBE)) throw new Error('wasm backend: this runtime does not support WebAssembly SIMD');
  return { name: threads ? 'SIMD_SHARED' : 'SIMD', features: { relaxedSimd: false, threads } };
}

const PAGE = 65536;
const TAKE_CHUNK = 65536;
/** Below this address nothing is allocated, so a zero pointer is never valid data. */
const HEAP_BASE = 1024;

function newMemory(shared: boolean): WebAssembly.Memory {
  if (!shared) return new WebAssembly.Memory({ initial: 16 });
  // a shared memory fixes its maximum up front; 4 GiB is only reserved address space, 1 GiB suits 32-bit hosts
  try {
    return new WebAssembly.Memory({ initial: 16, maximum: 65536, shared: true });
  } catch {
    return new WebAssembly.Memory({ initial: 16, maximum: 16384, shared: true });
  }
}

function copyOut<T extends Float32Array | Int32Array | Uint8Array>(heap: T, out: T, from: number): T {
  for (let i = 0; i < out.length; i += TAKE_CHUNK) out.set(heap.subarray(from + i, from + Math.min(out.length, i + TAKE_CHUNK)), i);
  return out;
}

export class WasmRuntime {
  private readonly kernels: Record<KernelName, Kernel>;
  private readonly pool: ThreadPool | null;
  private heap: Float32Array;
  private top = HEAP_BASE;
  /** End of the resident blocks; each call's scratch starts here. */
  private residentTop = HEAP_BASE;
  private readonly free = new FreeLists();
  /** Gaps under blocks carved during a call: scratch of that call until the next begin(). */
  private gaps: [number, number][] = [];
  /** Bytes in resident blocks now in use (by class size). */
  residentBytes = 0;

  private constructor(readonly features: WasmFeatures, readonly memory: WebAssembly.Memory, module: WebAssembly.Module, instance: WebAssembly.Instance) {
    this.kernels = Object.fromEntries(KERNEL_NAMES.map((n) => [n, instance.exports[n] as Kernel])) as Record<KernelName, Kernel>;
    this.pool = features.threads ? new ThreadPool(module, memory, KERNEL_NAMES, this.kernels) : null;
    this.heap = new Float32Array(memory.buffer);
  }

  /** Compiles on this thread where the bytes are at hand (Node; Chromium would too, its main thread accepts modules up to 8 MB). */
  static createSync(): WasmRuntime {
    const { name, features } = chooseBuild();
    const bytes = buildBytesSync(name);
    if (!bytes) throw new Error(`wasm backend: the ${name} build loads asynchronously here; await ck.ready()`);
    const module = new WebAssembly.Module(bytes);
    const memory = newMemory(features.threads);
    return new WasmRuntime(features, memory, module, new WebAssembly.Instance(module, { env: { memory } }));
  }

  static async create(): Promise<WasmRuntime> {
    const { name, features } = chooseBuild();
    const bytes = await buildBytes(name);
    const module = await WebAssembly.compile(bytes);
    const memory = newMemory(features.threads);
    return new WasmRuntime(features, memory, module, await WebAssembly.instantiate(module, { env: { memory } }));
  }

  /** Threads a kernel may split into now: the user's setting, bounded by what has started. */
  threads(): number {
    return this.pool ? this.pool.threads(getNumThreads()) : 1;
  }

  /** Wakes sleeping workers ahead of a kernel that will split, so their wake-up overlaps its operand copies. */
  wake(): void {
    this.pool?.wake();
  }

  /** Starts the worker threads now and waits until they are ready; returns the threads a kernel can use. */
  async warmUp(): Promise<number> {
    return this.pool ? this.pool.warmUp(getNumThreads()) : 1;
  }

  /** Runs `name` once on this thread. */
  call(name: KernelName, ...args: number[]): void {
    this.kernels[name](...args);
  }

  /** Runs `name` once per entry of `args`, in parallel: args[t] are thread t's arguments. */
  run(name: KernelName, args: readonly (readonly number[])[]): void {
    if (args.length === 1 || !this.pool) for (const a of args) this.kernels[name](...a);
    else this.pool.run(name, args);
  }

  /** Starts a kernel call: everything allocated by the previous one is free again. */
  begin(): void {
    for (const [start, end] of this.gaps) this.free.giveRange(start, end);
    this.gaps = [];
    this.top = this.residentTop;
  }

  /** Grows the memory to hold `end` bytes; false where it cannot (the wasm32 4 GiB limit, or the host's). */
  private reach(end: number): boolean {
    if (end <= this.memory.buffer.byteLength) return true;
    try {
      this.memory.grow(Math.ceil((end - this.memory.buffer.byteLength) / PAGE));
    } catch {
      return false;
    }
    // a non-shared memory detaches its old buffer when it grows; a shared one only outgrows its old views
    this.heap = new Float32Array(this.memory.buffer);
    return true;
  }

  /** `bytes` of scratch, 16-byte aligned for SIMD loads. */
  alloc(bytes: number): number {
    const ptr = (this.top + 15) & ~15;
    const end = ptr + bytes;
    if (!this.reach(end)) throw new RangeError(`wasm backend: cannot grow memory to ${end} bytes`);
    this.top = end;
    return ptr;
  }

  /**
   * A block of at least `bytes` that stays valid across calls until freeResident, 16-byte aligned; null where
   * the memory cannot grow to hold it (the caller then works from scratch copies, as without the block).
   */
  allocResident(bytes: number): number | null {
    const c = classOf(bytes);
    const size = classSize(c);
    let ptr = this.free.takeOrSplit(c);
    if (ptr === undefined) {
      ptr = (this.top + 15) & ~15;
      if (!this.reach(ptr + size)) return null;
      if (ptr > this.residentTop) this.gaps.push([this.residentTop, ptr]);
      this.residentTop = this.top = ptr + size;
    }
    this.residentBytes += size;
    return ptr;
  }

  /** Returns a block from allocResident (of the same `bytes`) to its free list. */
  freeResident(ptr: number, bytes: number): void {
    const c = classOf(bytes);
    this.free.give(ptr, c);
    this.residentBytes -= classSize(c);
  }

  /** Copies float32 values into fresh scratch and returns its address. */
  put(values: Float32Array): number {
    const ptr = this.alloc(values.length * 4);
    this.heap.set(values, ptr >> 2);
    return ptr;
  }

  /** Copies int32 values (a geometry record, window offsets) into fresh scratch and returns its address. */
  putI32(values: ArrayLike<number>): number {
    const ptr = this.alloc(values.length * 4);
    new Int32Array(this.memory.buffer, ptr, values.length).set(values);
    return ptr;
  }

  /**
   * A copy of `length` float32 values at `ptr`, as a JS-owned array. Copied in chunks: V8 copies one large
   * block out of a SharedArrayBuffer 3-4× slower than the same bytes in 64K-element pieces (measured, Node 20).
   */
  take(ptr: number, length: number): Float32Array {
    return copyOut(this.heap, new Float32Array(length), ptr >> 2);
  }

  /** As take, for int32 values (indices). */
  takeInt32(ptr: number, length: number): Int32Array {
    return copyOut(new Int32Array(this.memory.buffer), new Int32Array(length), ptr >> 2);
  }

  /** As take, for bytes (bool masks). */
  takeUint8(ptr: number, length: number): Uint8Array {
    return copyOut(new Uint8Array(this.memory.buffer), new Uint8Array(length), ptr);
  }

  /** Copies `length` float32 values from `from` to `to` inside the memory. */
  copyWithin(to: number, from: number, length: number): void {
    this.heap.copyWithin(to >> 2, from >> 2, (from >> 2) + length);
  }

  /** A live view of `length` float32 values at `ptr`, valid until the next alloc. */
  view(ptr: number, length: number): Float32Array {
    return this.heap.subarray(ptr >> 2, (ptr >> 2) + length);
  }

  /** A live view of `length` float64 values at `ptr` (8-byte aligned), valid until the next alloc. */
  viewF64(ptr: number, length: number): Float64Array {
    return new Float64Array(this.memory.buffer, ptr, length);
  }
}

/**
 * The compiled kernels, their memory and a bump allocator over it. Each kernel call copies its operands in,
 * runs, and copies the result out into an ordinary typed array, so tensors stay plain garbage-collected JS
 * objects; the memory keeps its high-water mark between calls instead of being reallocated.
 */
import { enableRelaxedSimd, sharedMemorySupported } from '../platform.js';
import { getNumThreads } from '../threads.js';
import { ACTIVATION_GRADS } from './activation-ops.js';
import * as BINARY from './binary.js';
import { WASM_BINARY_OPS, WASM_COMPARE_OPS, WASM_UNARY_OPS } from './elementwise-ops.js';
import { ThreadPool } from './pool.js';

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

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

/** Which build to load; each build's own validation is the feature test. */
export function chooseBuild(): { bytes: Uint8Array<ArrayBuffer>; features: WasmFeatures } {
  enableRelaxedSimd();
  const threads = sharedMemorySupported();
  const relaxed = decodeBase64(threads ? BINARY.RELAXED_SHARED : BINARY.RELAXED);
  if (WebAssembly.validate(relaxed)) return { bytes: relaxed, features: { relaxedSimd: true, threads } };
  const plain = decodeBase64(threads ? BINARY.SIMD_SHARED : BINARY.SIMD);
  if (!WebAssembly.validate(plain)) throw new Error('wasm backend: this runtime does not support WebAssembly SIMD');
  return { bytes: plain, features: { relaxedSimd: false, threads } };
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

  private constructor(readonly features: WasmFeatures, readonly memory: WebAssembly.Memory, module: WebAssembly.Module, instance: WebAssembly.Instance) {
    this.kernels = Object.fromEntries(KERNEL_NAMES.map((n) => [n, instance.exports[n] as Kernel])) as Record<KernelName, Kernel>;
    this.pool = features.threads ? new ThreadPool(module, memory, KERNEL_NAMES, this.kernels) : null;
    this.heap = new Float32Array(memory.buffer);
  }

  /** Compiles on this thread: fine in Node and in workers; browsers refuse big modules on their main thread. */
  static createSync(): WasmRuntime {
    const { bytes, features } = chooseBuild();
    const module = new WebAssembly.Module(bytes);
    const memory = newMemory(features.threads);
    return new WasmRuntime(features, memory, module, new WebAssembly.Instance(module, { env: { memory } }));
  }

  static async create(): Promise<WasmRuntime> {
    const { bytes, features } = chooseBuild();
    const module = await WebAssembly.compile(bytes);
    const memory = newMemory(features.threads);
    return new WasmRuntime(features, memory, module, await WebAssembly.instantiate(module, { env: { memory } }));
  }

  /** Threads a kernel may split into now: the user's setting, bounded by what has started. */
  threads(): number {
    return this.pool ? this.pool.threads(getNumThreads()) : 1;
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
    this.top = HEAP_BASE;
  }

  /** `bytes` of scratch, 16-byte aligned for SIMD loads. */
  alloc(bytes: number): number {
    const ptr = (this.top + 15) & ~15;
    const end = ptr + bytes;
    if (end > this.memory.buffer.byteLength) {
      const pages = Math.ceil((end - this.memory.buffer.byteLength) / PAGE);
      try {
        this.memory.grow(pages);
      } catch {
        throw new RangeError(`wasm backend: cannot grow memory to ${end} bytes`);
      }
      this.heap = new Float32Array(this.memory.buffer);
    }
    this.top = end;
    return ptr;
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

  /** A live view of `length` float32 values at `ptr`, valid until the next alloc. */
  view(ptr: number, length: number): Float32Array {
    return this.heap.subarray(ptr >> 2, (ptr >> 2) + length);
  }

  /** A live view of `length` float64 values at `ptr` (8-byte aligned), valid until the next alloc. */
  viewF64(ptr: number, length: number): Float64Array {
    return new Float64Array(this.memory.buffer, ptr, length);
  }
}

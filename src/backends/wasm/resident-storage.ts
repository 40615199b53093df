/**
 * Tensors whose elements live in WebAssembly memory. Inside a `ck.scope` (every step of `fit` and `evaluate`)
 * the wasm kernels put their float32 results in resident blocks instead of fresh typed arrays: the next kernel
 * reads them where they are (no copy in), and no typed-array backing store is allocated and freed per op, which
 * is what made the resident set creep (glibc keeps the freed stores in fragmented arenas). The scope frees them
 * deterministically when it closes; what it returns is freed by the FinalizationRegistry once collected. Outside
 * scopes results stay plain typed arrays: the collector does not see WebAssembly memory, so blocks left to it
 * alone would pile up in a hand-written loop. Every other CPU kernel reads a resident storage through `data`,
 * a view re-derived when the memory has grown (a non-shared memory detaches its old buffer).
 */
import { CpuStorage, type Storage, type View } from '../backend.js';
import { inScope, track } from '../../core/memory.js';
import { isContiguous, storageOf } from '../reference/strided.js';
import type { WasmRuntime } from './runtime.js';

/** Slack after each block: kernels' masked last vectors may read up to 4 floats past an operand. */
const TAIL_BYTES = 16;

/**
 * Resident activations at most (weights are bounded apart, weight-cache.ts): past this, results are typed arrays
 * again. Scopes free them step by step, so a step's working set is what counts; wasm32 memory stops at 4 GiB.
 */
export const RESIDENT_MAX_BYTES = 2 ** 31;

const EMPTY = new Float32Array(0);

export class ResidentStorage extends CpuStorage {
  #view: Float32Array;
  /** Shared with the releaser, which must not hold the storage (the FinalizationRegistry watches it). */
  readonly #state: { freed: boolean };

  constructor(readonly runtime: WasmRuntime, readonly ptr: number, private readonly count: number, device: string) {
    super(EMPTY, 'float32', device);
    this.#view = runtime.view(ptr, count);
    this.#state = { freed: false };
  }

  override get data(): Float32Array {
    if (this.#state.freed) throw new Error(`${this.device}: this tensor was freed when the ck.scope that made it closed (or by dispose()); return it from the scope or ck.keep(t) it`);
    if (this.#view.buffer !== this.runtime.memory.buffer) this.#view = new Float32Array(this.runtime.memory.buffer, this.ptr, this.count);
    return this.#view;
  }

  override get length(): number {
    return this.count;
  }

  /** The function that frees the block, once. */
  releaser(): () => void {
    const { runtime: rt, ptr } = this;
    const bytes = 4 * this.count + TAIL_BYTES;
    const state = this.#state;
    return () => {
      if (state.freed) return;
      state.freed = true;
      rt.freeResident(ptr, bytes);
    };
  }
}

/**
 * The result of a kernel, `n` float32 values at `ptr` in scratch: moved into a resident block inside a scope
 * (a copy within WebAssembly memory), else copied out into a typed array.
 */
export function output(rt: WasmRuntime, ptr: number, n: number): Storage {
  if (inScope() && rt.residentBytes < RESIDENT_MAX_BYTES) {
    const block = rt.allocResident(4 * n + TAIL_BYTES);
    if (block !== null) {
      rt.copyWithin(block, ptr, n);
      const s = new ResidentStorage(rt, block, n, 'wasm');
      // counted now, in the open scope: some results never become a tensor's (an op's intermediate)
      track(s);
      return s;
    }
  }
  return storageOf(rt.take(ptr, n), 'float32');
}

/** The address of view `v`'s first element where its storage is resident in `rt`'s memory, else null. */
export function residentAddress(rt: WasmRuntime, v: View): number | null {
  const s = v.storage;
  return s instanceof ResidentStorage && s.runtime === rt ? s.ptr + 4 * v.offset : null;
}

/** As residentAddress, for views whose elements are dense in row-major order. */
export function residentDense(rt: WasmRuntime, v: View): number | null {
  return isContiguous(v.shape, v.strides) ? residentAddress(rt, v) : null;
}

import type { DType } from '../../core/dtype.js';
import type { AllKernels, Storage, View } from '../backend.js';
import { matmul as referenceMatmul } from '../reference/matmul.js';
import { storageOf } from '../reference/strided.js';
import { GEMM_SHAPE, gemmScratchBytes } from './gemm-shape.js';
import { place } from './operands.js';
import { output } from './resident-storage.js';
import type { WasmRuntime } from './runtime.js';

/** Below this many flops a job is not worth waking other threads for (a wake costs ~10 µs). */
export const PARALLEL_MIN_FLOPS = 1 << 22;

/** Splits [0, total) into at most `parts` ranges whose starts are multiples of `align`. */
export function splitRange(total: number, parts: number, align: number): [number, number][] {
  const step = Math.ceil(total / parts / align) * align;
  const out: [number, number][] = [];
  for (let start = 0; start < total; start += step) out.push([start, Math.min(step, total - start)]);
  return out;
}

/** One product C[b] (=|+=) A[b]·B[b] per batch entry, strides in elements; C is dense unless ldc/sc say otherwise. */
export interface GemmCall {
  batch: number;
  m: number;
  n: number;
  k: number;
  a: number;
  aStrides: readonly number[]; // [batch, row, col]
  b: number;
  bStrides: readonly number[];
  c: number;
  cStrides: readonly number[]; // [batch, row]; columns are dense
  accumulate: boolean;
}

/**
 * All threads that have started when the work is `worth` splitting, else one. Their sleeping workers are woken
 * now: kernels ask this before copying their operands in, so the wake-up overlaps the copy.
 */
export function threadsWhen(rt: WasmRuntime, worth: boolean): number {
  if (!worth) return 1;
  const threads = rt.threads();
  if (threads > 1) rt.wake();
  return threads;
}

/** Threads worth using for `flops` of work: one below PARALLEL_MIN_FLOPS, else all that have started. */
export const threadsFor = (rt: WasmRuntime, flops: number): number => threadsWhen(rt, flops >= PARALLEL_MIN_FLOPS);

/** Packing scratch for `threads` GEMMs at once, allocated once per kernel call and reused by every product in it. */
export function gemmScratch(rt: WasmRuntime, threads: number): number[] {
  return Array.from({ length: threads }, () => rt.alloc(gemmScratchBytes()));
}

/**
 * Runs a batched GEMM on up to `scratch.length` threads: split over the batch when it is large enough,
 * else over the rows or columns of C in whole register tiles. Thread t packs into scratch[t].
 */
export function gemm(rt: WasmRuntime, g: GemmCall, scratch: readonly number[]): void {
  const threads = Math.min(scratch.length, threadsFor(rt, 2 * g.batch * g.m * g.n * g.k));
  const [sa, rsa, csa] = g.aStrides;
  const [sb, rsb, csb] = g.bStrides;
  const [sc, ldc] = g.cStrides;
  const acc = g.accumulate ? 1 : 0;
  const args = (batch0: number, batch: number, m0: number, m: number, n0: number, n: number): number[] => [
    batch, m, n, g.k,
    g.a + 4 * (batch0 * sa + m0 * rsa), sa, rsa, csa,
    g.b + 4 * (batch0 * sb + n0 * csb), sb, rsb, csb,
    g.c + 4 * (batch0 * sc + m0 * ldc + n0), sc, ldc, acc, 0,
  ];
  let parts: number[][];
  if (threads === 1) parts = [args(0, g.batch, 0, g.m, 0, g.n)];
  else if (g.batch >= threads) parts = splitRange(g.batch, threads, 1).map(([b0, nb]) => args(b0, nb, 0, g.m, 0, g.n));
  else if (g.m >= g.n) parts = splitRange(g.m, threads, GEMM_SHAPE.mr).map(([m0, m]) => args(0, g.batch, m0, m, 0, g.n));
  else parts = splitRange(g.n, threads, GEMM_SHAPE.nr).map(([n0, n]) => args(0, g.batch, 0, g.m, n0, n));
  parts.forEach((p, t) => (p[16] = scratch[t]));
  rt.run('gemmBatch', parts);
}

/** The `matmul` kernel: float32 on WebAssembly, other dtypes on the reference kernel. */
export function wasmMatmul(rt: WasmRuntime): AllKernels['matmul'] {
  return (a: View, b: View, outDtype: DType): Storage => {
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || outDtype !== 'float32') return referenceMatmul(a, b, outDtype);
    const [batch, m, k] = a.shape;
    const n = b.shape[2];
    rt.begin();
    const threads = threadsFor(rt, 2 * batch * m * n * k);
    const pa = place(rt, a);
    const pb = place(rt, b);
    const c = rt.alloc(4 * batch * m * n);
    if (k === 0) rt.view(c, batch * m * n).fill(0);
    const scratch = gemmScratch(rt, threads);
    gemm(rt, { batch, m, n, k, a: pa.ptr, aStrides: pa.strides, b: pb.ptr, bStrides: pb.strides, c, cStrides: [m * n, n], accumulate: false }, scratch);
    return output(rt, c, batch * m * n);
  };
}

/**
 * Elementwise ops and sums on WebAssembly SIMD for large float32 tensors: operands are copied in (a broadcast
 * operand is only its few distinct values), each row of the coalesced shape is one call with the inputs either
 * running along it or held fixed, and the result is copied out. Small tensors, other dtypes and ops without a
 * vector form (exp, tanh, ...) take the JavaScript loops in fast/, whose copies would cost more.
 */
import type { DType } from '../../core/dtype.js';
import { contiguousStrides, numel } from '../../core/shape.js';
import type { BinaryOp, AllKernels, ReduceOp, Storage, UnaryOp, View } from '../backend.js';
import { storageOf } from '../reference/strided.js';
import { WASM_BINARY_OPS, WASM_COMPARE_OPS, WASM_UNARY_OPS, type WasmBinaryOp, type WasmCompareOp, type WasmUnaryOp } from './elementwise-ops.js';
import { fastElementwise } from './fast/elementwise.js';
import { fastReduce } from './fast/reduce.js';
import { coalesce, forEachRow } from './fast/rows.js';
import { place, placeDense } from './operands.js';
import { output } from './resident-storage.js';
import type { WasmRuntime } from './runtime.js';

/** Below this many elements the copies in and out cost more than the JavaScript loop. */
export const WASM_MIN_ELEMENTS = 4096;

const isWasmBinary = (op: BinaryOp): op is WasmBinaryOp => (WASM_BINARY_OPS as readonly string[]).includes(op);
const isWasmCompare = (op: BinaryOp): op is WasmCompareOp => (WASM_COMPARE_OPS as readonly string[]).includes(op);
const isWasmUnary = (op: UnaryOp): op is WasmUnaryOp => (WASM_UNARY_OPS as readonly string[]).includes(op);
const innermost = (s: readonly number[]): number => s[s.length - 1];

export function wasmElementwise(rt: WasmRuntime): Pick<AllKernels, 'binary' | 'unary' | 'reduce'> {
  function binary(op: BinaryOp, a: View, b: View, outDtype: DType): Storage {
    const n = numel(a.shape);
    const kernel = isWasmBinary(op) && outDtype === 'float32' ? (`binary_${op}` as const) : isWasmCompare(op) && outDtype === 'bool' ? (`compare_${op}` as const) : null;
    if (!kernel || a.dtype !== 'float32' || b.dtype !== 'float32' || n < WASM_MIN_ELEMENTS) return fastElementwise.binary(op, a, b, outDtype);
    const bytes = outDtype === 'bool' ? 1 : 4;
    const walk = coalesce(a.shape, [contiguousStrides(a.shape), a.strides, b.strides]);
    const [, xs, ys] = walk.strides.map(innermost);
    // rows must run along at least one input, each input with stride 0 or 1
    if (xs > 1 || ys > 1 || xs < 0 || ys < 0 || xs + ys === 0) return fastElementwise.binary(op, a, b, outDtype);
    rt.begin();
    const pa = place(rt, a);
    const pb = place(rt, b);
    const placed = coalesce(a.shape, [contiguousStrides(a.shape), pa.strides, pb.strides]);
    const out = rt.alloc(bytes * n);
    forEachRow(placed, [0, 0, 0], (at, len) => rt.call(kernel, out + bytes * at[0], pa.ptr + 4 * at[1], xs, pb.ptr + 4 * at[2], ys, len));
    return outDtype === 'bool' ? storageOf(rt.takeUint8(out, n), 'bool') : output(rt, out, n);
  }

  function unary(op: UnaryOp, x: View, outDtype: DType): Storage {
    const n = numel(x.shape);
    if (!isWasmUnary(op) || x.dtype !== 'float32' || outDtype !== 'float32' || n < WASM_MIN_ELEMENTS) return fastElementwise.unary(op, x, outDtype);
    rt.begin();
    const px = placeDense(rt, x);
    const out = rt.alloc(4 * n);
    rt.call(`unary_${op}`, out, px, n);
    return output(rt, out, n);
  }

  /** Sums whose innermost coalesced dim is reduced: each row summed in WebAssembly, rows added up here. */
  function reduce(op: ReduceOp, x: View, dims: readonly number[], outDtype: DType): Storage {
    const n = numel(x.shape);
    if (op !== 'sum' || x.dtype !== 'float32' || outDtype !== 'float32' || n < WASM_MIN_ELEMENTS) return fastReduce.reduce(op, x, dims, outDtype);
    const kept = x.shape.filter((_, d) => !dims.includes(d));
    const keptStrides = contiguousStrides(kept);
    let k = 0;
    const outStrides = x.shape.map((_, d) => (dims.includes(d) ? 0 : keptStrides[k++]));
    const walk = coalesce(x.shape, [contiguousStrides(x.shape), outStrides]);
    if (innermost(walk.strides[1]) !== 0) return fastReduce.reduce(op, x, dims, outDtype);
    const len = innermost(walk.shape);
    const rows = n / len;
    rt.begin();
    const px = placeDense(rt, x);
    const sums = rt.alloc(8 * rows);
    rt.call('sumRows', px, rows, len, sums);
    const rowSums = rt.viewF64(sums, rows);
    const acc = new Float64Array(numel(kept));
    let r = 0;
    forEachRow(walk, [0, 0], (at) => (acc[at[1]] += rowSums[r++]));
    return storageOf(Float32Array.from(acc), 'float32');
  }

  return { binary, unary, reduce };
}

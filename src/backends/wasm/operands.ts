import { contiguousStrides, numel } from '../../core/shape.js';
import type { View } from '../backend.js';
import { contiguousData, cpuData, isContiguous } from '../reference/strided.js';
import { residentAddress, residentDense } from './resident-storage.js';
import type { WasmRuntime } from './runtime.js';

/** A float32 operand in WebAssembly memory: the address of its first element and its strides in elements. */
export interface Placed {
  ptr: number;
  strides: number[];
}

/**
 * A float32 view in WebAssembly memory: where it lies if its storage is resident (resident-storage.ts), else a copy. The storage range the view spans goes in as one block, so
 * transposed and broadcast views keep their strides and the kernel's packing reads them directly; a view that
 * touches only a small part of its range (a column of a big matrix) is gathered densely instead.
 */
export function place(rt: WasmRuntime, v: View): Placed {
  const n = numel(v.shape);
  let last = v.offset;
  for (let d = 0; d < v.shape.length; d++) last += (v.shape[d] - 1) * v.strides[d];
  const span = n === 0 ? 0 : last - v.offset + 1;
  if (span <= 2 * n) {
    // a resident storage is read where it lies, through the view's strides
    const at = residentAddress(rt, v);
    if (at !== null) return { ptr: at, strides: v.strides.slice() };
    return { ptr: rt.put((cpuData(v.storage) as Float32Array).subarray(v.offset, v.offset + span)), strides: v.strides.slice() };
  }
  return { ptr: rt.put(contiguousData(v) as Float32Array), strides: contiguousStrides(v.shape) };
}

/** A float32 view in WebAssembly memory in dense row-major order (what the convolution kernels read): in place if resident, else a copy. */
export function placeDense(rt: WasmRuntime, v: View): number {
  const at = residentDense(rt, v);
  if (at !== null) return at;
  const n = numel(v.shape);
  const data = isContiguous(v.shape, v.strides) ? (cpuData(v.storage) as Float32Array).subarray(v.offset, v.offset + n) : (contiguousData(v) as Float32Array);
  return rt.put(data);
}

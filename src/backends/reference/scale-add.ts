/** The in-place `scaleAdd_` kernel (src/ops/scale-add.ts). */
import type { TypedArray } from '../../core/dtype.js';
import { numel } from '../../core/shape.js';
import type { View } from '../backend.js';
import { contiguousData, cpuData, isContiguous, writeStrided } from './strided.js';

export function scaleAdd_(x: View, alpha: number, y: View, beta: number): void {
  const n = numel(x.shape);
  // y may share x's storage (x += x·c): read it all before writing
  const ys = y.storage === x.storage ? contiguousData(y).slice() : contiguousData(y);
  const dense = isContiguous(x.shape, x.strides);
  const out = dense ? cpuData(x.storage).subarray(x.offset, x.offset + n) : contiguousData(x).slice();
  if (x.dtype === 'float32') scaleAddFloat32(out, Math.fround(alpha), ys, Math.fround(beta));
  else for (let i = 0; i < n; i++) out[i] = alpha * out[i] + beta * ys[i];
  if (!dense) writeStrided(x, out, false);
}

/** Rounds as float32 mul, mul and add would: fround(fround(a·x) + fround(b·y)). */
function scaleAddFloat32(out: TypedArray, alpha: number, y: TypedArray, beta: number): void {
  for (let i = 0; i < out.length; i++) out[i] = Math.fround(alpha * out[i]) + Math.fround(beta * y[i]);
}

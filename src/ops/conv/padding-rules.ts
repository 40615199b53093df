/**
 * The size arithmetic of convolution and pooling, shared by the ops and the teaching helpers (ck.conv).
 * Every rule here is PyTorch's, except 'same' for strides > 1, which PyTorch refuses and TensorFlow defines.
 */
import { fmt } from '../../core/shape.js';

export type IntOrTuple = number | readonly number[];
export type PaddingSpec = IntOrTuple | 'valid' | 'same';

/** One value per spatial dim: a number is repeated, an array needs exactly `dims` entries, each an integer >= min. */
export function perDim(value: IntOrTuple, dims: number, name: string, op: string, min: number): number[] {
  const list = typeof value === 'number' ? new Array<number>(dims).fill(value) : Array.isArray(value) ? value.slice() : null;
  const kind = min > 0 ? 'positive' : 'non-negative';
  if (!list || list.length !== dims || list.some((v) => !Number.isInteger(v) || v < min)) {
    const got = Array.isArray(value) ? fmt(value) : String(value);
    throw new RangeError(`${op}: ${name} must be a ${kind} integer or a list of ${dims}, got ${got}`);
  }
  return list;
}

/** The extent of a dilated kernel: d·(k - 1) + 1 input positions from first to last tap. */
export function dilatedSize(k: number, dilation: number): number {
  return dilation * (k - 1) + 1;
}

/** Output length of a convolution: floor((n + before + after - d(k-1) - 1) / s) + 1, the lecture's (W - F + 2P)/S + 1. */
export function convOutputSize(n: number, k: number, stride: number, dilation: number, before: number, after: number): number {
  return Math.floor((n + before + after - dilatedSize(k, dilation)) / stride) + 1;
}

/**
 * TensorFlow's 'same' padding: the output has ceil(n / s) positions, the input gets
 * max((ceil(n/s) - 1)·s + d(k-1) + 1 - n, 0) zeros, the smaller half before and the extra one after.
 * For stride 1 this is PyTorch's padding='same'. Example: n=13, s=5, k=6 pads 3: 1 before, 2 after.
 */
export function samePadding(n: number, k: number, stride = 1, dilation = 1): [number, number] {
  const total = Math.max((Math.ceil(n / stride) - 1) * stride + dilatedSize(k, dilation) - n, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/**
 * Output length of a pooling, as PyTorch's pooling_output_shape: ceil mode rounds up, but a last window
 * that would start in the trailing padding is dropped.
 */
export function poolOutputSize(n: number, k: number, stride: number, pad: number, dilation: number, ceilMode: boolean): number {
  const span = n + 2 * pad - dilatedSize(k, dilation);
  let out = Math.floor((span + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  if (ceilMode && (out - 1) * stride >= n + pad) out--;
  return out;
}

/** Resolves a padding spec into (before, after) pairs per spatial dim. */
export function paddingPairs(padding: PaddingSpec, inSize: readonly number[], kernel: readonly number[], stride: readonly number[], dilation: readonly number[], op: string): [number, number][] {
  if (padding === 'valid') return inSize.map(() => [0, 0]);
  if (padding === 'same') return inSize.map((n, i) => samePadding(n, kernel[i], stride[i], dilation[i]));
  if (typeof padding === 'string') throw new RangeError(`${op}: padding must be a number, a list, 'valid' or 'same', got '${padding}'`);
  return perDim(padding, inSize.length, 'padding', op, 0).map((p) => [p, p]);
}

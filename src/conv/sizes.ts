import { poolOutputSize, samePadding as sameRule } from '../ops/conv/padding-rules.js';

export interface OutputSizeOptions {
  stride?: number;
  padding?: number;
  dilation?: number;
  /** Round up, as pooling with ceilMode does (a last window starting in the padding is dropped). */
  ceilMode?: boolean;
}

function int(value: number, name: string, op: string, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${op}: ${name} must be an integer >= ${min}, got ${value}`);
  return value;
}

/**
 * The length of a convolution's or pooling's output along one dim:
 *   floor((n + 2p - d(k - 1) - 1) / s) + 1
 * which for d = 1 is the lecture's (W - F + 2P)/S + 1.
 */
export function outputSize(n: number, k: number, opts: OutputSizeOptions = {}): number {
  const { stride = 1, padding = 0, dilation = 1, ceilMode = false } = opts;
  const out = poolOutputSize(int(n, 'n', 'outputSize', 0), int(k, 'k', 'outputSize', 1), int(stride, 'stride', 'outputSize', 1),
    int(padding, 'padding', 'outputSize', 0), int(dilation, 'dilation', 'outputSize', 1), ceilMode);
  if (out < 1) throw new RangeError(`outputSize: kernel ${k} (dilation ${dilation}) does not fit input ${n} with padding ${padding}: output size ${out}`);
  return out;
}

/**
 * TensorFlow's 'same' padding as [start, end]: total max((ceil(n/s) - 1)·s + d(k - 1) + 1 - n, 0),
 * the smaller half at the start. samePadding(13, 6, 5) is [1, 2].
 */
export function samePadding(n: number, k: number, stride = 1, dilation = 1): [number, number] {
  return sameRule(int(n, 'n', 'samePadding', 0), int(k, 'k', 'samePadding', 1), int(stride, 'stride', 'samePadding', 1), int(dilation, 'dilation', 'samePadding', 1));
}

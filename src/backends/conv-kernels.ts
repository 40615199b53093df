/**
 * The convolution and pooling kernel families. Every kernel works on 5-D tensors [N, C, D, H, W]:
 * conv1d and conv2d are the 3-D case with singleton leading spatial dims, so one kernel per family
 * serves all ranks. The kernels themselves are declared with the rest of the contract in backend.ts.
 */
import type { Storage } from './backend.js';

export type Triple = readonly [number, number, number];

/**
 * Where every output element of a convolution reads its input:
 * `x[n, c, o·stride - padBefore + k·dilation]` per spatial dim, zero outside `[0, inSize)`.
 * Only the leading padding is a parameter: the trailing one is implied by `outSize`, which is how
 * TensorFlow's asymmetric 'same', ceil-mode pooling and convTranspose's outputPadding need no copy.
 */
export interface ConvGeometry {
  inSize: Triple;
  outSize: Triple;
  kernelSize: Triple;
  stride: Triple;
  dilation: Triple;
  padBefore: Triple;
  /** Channels are split into `groups` independent convolutions (in and out channels both divisible). */
  groups: number;
}

/**
 * The windows of a pooling: along spatial dim d, output o covers input positions
 * `start[d][o] + j·step[d]` for `j < size[d][o]`, skipping those outside the input (implicit padding).
 * Fixed-size pooling has the same size everywhere; adaptive pooling has windows of varying size.
 */
export interface PoolWindows {
  outSize: Triple;
  start: readonly [Int32Array, Int32Array, Int32Array];
  size: readonly [Int32Array, Int32Array, Int32Array];
  step: Triple;
}

export interface MaxPoolResult {
  values: Storage;
  /** int32, for each output the flat position `(d·H + h)·W + w` of its maximum in the input plane, as PyTorch. */
  indices: Storage;
}

/** A 1×1 convolution with stride 1 and no padding: every output reads the pixel at its own position. */
export function isPointwise(g: ConvGeometry): boolean {
  return [0, 1, 2].every((d) => g.kernelSize[d] === 1 && g.stride[d] === 1 && g.padBefore[d] === 0 && g.outSize[d] === g.inSize[d]);
}

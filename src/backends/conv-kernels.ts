/**
 * The convolution and pooling kernel families. Every kernel works on 5-D tensors [N, C, D, H, W]:
 * conv1d and conv2d are the 3-D case with singleton leading spatial dims, so one kernel per family
 * serves all ranks and a fast backend has three convolutions to write, not nine.
 */
import type { Storage, View } from './backend.js';

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

declare module './backend.js' {
  interface Kernels {
    /** y[N, O, oD, oH, oW] = conv(x[N, C, D, H, W], w[O, C/groups, kD, kH, kW]) + bias[O]. */
    conv(x: View, w: View, bias: View | null, geom: ConvGeometry): Storage;
    /** dL/dx [N, C, ...inSize] from dL/dy [N, O, ...outSize]: the transposed convolution (col2im of Wᵀ·dY). */
    convBackwardInput(gy: View, w: View, geom: ConvGeometry): Storage;
    /** dL/dw [O, C/groups, ...kernelSize] from x and dL/dy: dY·X̂ᵀ. */
    convBackwardWeight(x: View, gy: View, geom: ConvGeometry): Storage;
    /** The patches of x as columns: [N, C·kD·kH·kW, oD·oH·oW] (groups is ignored). */
    im2col(x: View, geom: ConvGeometry): Storage;
    /** The adjoint of im2col: sums columns [N, C·kD·kH·kW, L] back into [N, C, ...inSize]. */
    col2im(cols: View, channels: number, geom: ConvGeometry): Storage;
    /** The maximum of each window (NaN wins, as in PyTorch) and where it was. */
    maxPool(x: View, windows: PoolWindows): MaxPoolResult;
    /** dL/dx [N, C, ...inSize] of a max pooling: each output's gradient added at its `indices` position. */
    maxPoolBackward(gy: View, indices: View, inSize: Triple): Storage;
  }
}

import { isFloating } from '../core/dtype.js';
import { fmt } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { tensor } from '../ops/creation.js';
import { describe } from '../ops/dispatch.js';
import { convOutputSize, perDim } from '../ops/conv/padding-rules.js';

export interface ToMatrixOptions {
  stride?: number | readonly number[];
  padding?: number | readonly number[];
  dilation?: number | readonly number[];
}

/** [kH, kW] from a kernel of shape [kH, kW] or [1, 1, kH, kW]. */
function kernel2d(kernel: Tensor): [number, number] {
  if (!(kernel instanceof Tensor) || !isFloating(kernel.dtype)) throw new TypeError(`toMatrix: expected a floating point kernel tensor, got ${describe(kernel)}`);
  const lead = kernel.shape.slice(0, -2);
  if (kernel.ndim < 2 || kernel.ndim > 4 || lead.some((s) => s !== 1)) {
    throw new RangeError(`toMatrix: expected a single-channel kernel [kH, kW] or [1, 1, kH, kW], got ${fmt(kernel.shape)}`);
  }
  return [kernel.shape[kernel.ndim - 2], kernel.shape[kernel.ndim - 1]];
}

/**
 * The doubly block Toeplitz matrix of a single-channel 2-D convolution: [oH·oW, H·W] with row r holding the
 * kernel laid out over the pixels output r reads, so that
 *   conv2d(x, kernel).flatten() == toMatrix(kernel, x.shape) @ x.flatten()
 * for x of shape [H, W] or [1, 1, H, W]. Convolution is this (sparse, weight-shared) matrix product.
 */
export function toMatrix(kernel: Tensor, inputShape: readonly number[], opts: ToMatrixOptions = {}): Tensor {
  const [kH, kW] = kernel2d(kernel);
  if (!Array.isArray(inputShape) || inputShape.length < 2 || inputShape.slice(0, -2).some((s) => s !== 1)) {
    throw new RangeError(`toMatrix: expected a single-channel input shape [H, W] or [1, 1, H, W], got ${JSON.stringify(inputShape)}`);
  }
  const [H, W] = inputShape.slice(-2);
  const [sh, sw] = perDim(opts.stride ?? 1, 2, 'stride', 'toMatrix', 1);
  const [ph, pw] = perDim(opts.padding ?? 0, 2, 'padding', 'toMatrix', 0);
  const [dh, dw] = perDim(opts.dilation ?? 1, 2, 'dilation', 'toMatrix', 1);
  const oH = convOutputSize(H, kH, sh, dh, ph, ph);
  const oW = convOutputSize(W, kW, sw, dw, pw, pw);
  if (oH < 1 || oW < 1) throw new RangeError(`toMatrix: kernel [${kH},${kW}] does not fit the padded input [${H},${W}]`);
  const k = kernel.dataSync();
  const m = new Array<number>(oH * oW * H * W).fill(0);
  for (let oh = 0; oh < oH; oh++) for (let ow = 0; ow < oW; ow++) {
    const row = (oh * oW + ow) * H * W;
    for (let a = 0; a < kH; a++) for (let b = 0; b < kW; b++) {
      const ih = oh * sh - ph + a * dh;
      const iw = ow * sw - pw + b * dw;
      if (ih >= 0 && ih < H && iw >= 0 && iw < W) m[row + ih * W + iw] = k[a * kW + b];
    }
  }
  return tensor(m, { shape: [oH * oW, H * W], dtype: kernel.dtype });
}

import { allocArray, type TypedArray } from '../../core/dtype.js';
import { numel } from '../../core/shape.js';
import type { Storage, View } from '../backend.js';
import type { ConvGeometry } from '../conv-kernels.js';
import { contiguousData, storageOf } from './strided.js';

/**
 * The outputs [lo, hi) along `dim` whose kernel tap `k` lands inside the input; the others read padding.
 * Solving 0 <= o·s - p + k·d < n for o keeps the copy loops free of bounds checks.
 */
function validOutputs(g: ConvGeometry, dim: number, k: number): [number, number] {
  const s = g.stride[dim];
  const shift = k * g.dilation[dim] - g.padBefore[dim];
  const lo = Math.max(0, Math.ceil(-shift / s));
  const hi = Math.min(g.outSize[dim], Math.floor((g.inSize[dim] - 1 - shift) / s) + 1);
  return [lo, Math.max(lo, hi)];
}

/**
 * Visits the runs of im2col for one image: column row r = ((c·kD + kd)·kH + kh)·kW + kw holds, at column
 * (od·oH + oh)·oW + ow, the input x[c, od·sd - pd + kd·dd, ...]. `run(colStart, xStart, count, xStep)`
 * covers the valid outputs of one (row, od, oh); everything it does not cover is padding.
 */
function forEachRun(channels: number, g: ConvGeometry, run: (col: number, xi: number, count: number, xStep: number) => void): void {
  const [D, H, W] = g.inSize;
  const [, oH, oW] = g.outSize;
  const [kD, kH, kW] = g.kernelSize;
  const [sd, sh, sw] = g.stride;
  const L = numel(g.outSize);
  let row = 0;
  for (let c = 0; c < channels; c++) {
    for (let kd = 0; kd < kD; kd++) {
      const [d0, d1] = validOutputs(g, 0, kd);
      for (let kh = 0; kh < kH; kh++) {
        const [h0, h1] = validOutputs(g, 1, kh);
        for (let kw = 0; kw < kW; kw++, row++) {
          const [w0, w1] = validOutputs(g, 2, kw);
          if (w1 <= w0) continue;
          const iw0 = w0 * sw - g.padBefore[2] + kw * g.dilation[2];
          for (let od = d0; od < d1; od++) {
            const id = od * sd - g.padBefore[0] + kd * g.dilation[0];
            for (let oh = h0; oh < h1; oh++) {
              const ih = oh * sh - g.padBefore[1] + kh * g.dilation[1];
              run(row * L + (od * oH + oh) * oW + w0, ((c * D + id) * H + ih) * W + iw0, w1 - w0, sw);
            }
          }
        }
      }
    }
  }
}

/** Writes the patches of one image (x from `xOffset`) into `cols` [C·K, L]; padding reads as zero. */
export function im2colInto(x: TypedArray, xOffset: number, channels: number, g: ConvGeometry, cols: TypedArray): void {
  cols.fill(0);
  forEachRun(channels, g, (col, xi, count, step) => {
    const from = xOffset + xi;
    for (let j = 0; j < count; j++) cols[col + j] = x[from + j * step];
  });
}

/** Adds the columns `cols` [C·K, L] of one image back onto their input positions (x from `xOffset`). */
export function col2imInto(cols: TypedArray, channels: number, g: ConvGeometry, x: TypedArray, xOffset: number): void {
  forEachRun(channels, g, (col, xi, count, step) => {
    const to = xOffset + xi;
    for (let j = 0; j < count; j++) x[to + j * step] += cols[col + j];
  });
}

export function im2col(x: View, g: ConvGeometry): Storage {
  const [batch, channels] = x.shape;
  const xs = contiguousData(x);
  const perImage = channels * numel(g.kernelSize) * numel(g.outSize);
  const out = allocArray(x.dtype, batch * perImage);
  const planeIn = channels * numel(g.inSize);
  for (let n = 0; n < batch; n++) im2colInto(xs, n * planeIn, channels, g, out.subarray(n * perImage, (n + 1) * perImage));
  return storageOf(out, x.dtype);
}

export function col2im(cols: View, channels: number, g: ConvGeometry): Storage {
  const [batch] = cols.shape;
  const cs = contiguousData(cols);
  const perImage = channels * numel(g.kernelSize) * numel(g.outSize);
  const planeIn = channels * numel(g.inSize);
  const out = allocArray(cols.dtype, batch * planeIn);
  for (let n = 0; n < batch; n++) col2imInto(cs.subarray(n * perImage, (n + 1) * perImage), channels, g, out, n * planeIn);
  return storageOf(out, cols.dtype);
}

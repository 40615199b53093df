import { allocArray, type DType, type TypedArray } from '../../core/dtype.js';
import { numel } from '../../core/shape.js';
import type { Storage, View } from '../backend.js';
import type { ConvGeometry } from '../conv-kernels.js';
import { col2imInto, im2colInto } from './im2col.js';
import { gemmInto } from './matmul.js';
import { contiguousData, storageOf } from './strided.js';

/**
 * Convolution as matrix products, per image and group (the lecture's derivation):
 *   forward          Y = W·X̂ + b      W [O, C·K], X̂ = im2col(x) [C·K, L], Y [O, L]
 *   weight gradient  dW = dY·X̂ᵀ
 *   input gradient   dX̂ = Wᵀ·dY, then col2im adds every column back onto the pixels it came from.
 */
interface Sizes {
  batch: number;
  channels: number;
  outChannels: number;
  /** Rows of X̂ per group (C/groups · kernel volume), output channels per group, output positions. */
  rows: number;
  outPerGroup: number;
  L: number;
  planeIn: number;
}

function sizes(channels: number, batch: number, outChannels: number, g: ConvGeometry): Sizes {
  return {
    batch, channels, outChannels,
    rows: (channels / g.groups) * numel(g.kernelSize),
    outPerGroup: outChannels / g.groups,
    L: numel(g.outSize),
    planeIn: channels * numel(g.inSize),
  };
}

/** A 1×1 convolution with stride 1 and no padding reads the image itself as X̂: no copy needed. */
export function isPointwise(g: ConvGeometry): boolean {
  return [0, 1, 2].every((d) => g.kernelSize[d] === 1 && g.stride[d] === 1 && g.padBefore[d] === 0 && g.outSize[d] === g.inSize[d]);
}

/** X̂ of image n: a view of x for pointwise convolutions, else the patches copied into `buffer`. */
function patches(x: TypedArray, n: number, s: Sizes, g: ConvGeometry, buffer: TypedArray): TypedArray {
  if (isPointwise(g)) return x.subarray(n * s.planeIn, (n + 1) * s.planeIn);
  im2colInto(x, n * s.planeIn, s.channels, g, buffer);
  return buffer;
}

/** dst[cols, rows] = src[rows, cols]ᵀ, in tiles so both sides stay in cache. */
function transposeInto(src: TypedArray, rows: number, cols: number, dst: TypedArray): void {
  const T = 32;
  for (let r0 = 0; r0 < rows; r0 += T) {
    for (let c0 = 0; c0 < cols; c0 += T) {
      const r1 = Math.min(rows, r0 + T);
      const c1 = Math.min(cols, c0 + T);
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) dst[c * rows + r] = src[r * cols + c];
    }
  }
}

/** Wᵀ per group: [groups][C/groups·K, O/groups], so dX̂ = Wᵀ·dY is a plain row-major product. */
function transposeGroups(w: TypedArray, s: Sizes, groups: number, dtype: DType): TypedArray {
  const out = allocArray(dtype, w.length);
  const block = s.outPerGroup * s.rows;
  for (let grp = 0; grp < groups; grp++) {
    for (let o = 0; o < s.outPerGroup; o++) {
      for (let r = 0; r < s.rows; r++) out[grp * block + r * s.outPerGroup + o] = w[grp * block + o * s.rows + r];
    }
  }
  return out;
}

function conv(x: View, w: View, bias: View | null, g: ConvGeometry): Storage {
  const s = sizes(x.shape[1], x.shape[0], w.shape[0], g);
  const xs = contiguousData(x);
  const ws = contiguousData(w);
  const bs = bias ? contiguousData(bias) : null;
  const y = allocArray(x.dtype, s.batch * s.outChannels * s.L);
  const buffer = allocArray(x.dtype, s.rows * g.groups * s.L);
  for (let n = 0; n < s.batch; n++) {
    const cols = patches(xs, n, s, g, buffer);
    if (bs) for (let o = 0; o < s.outChannels; o++) y.fill(bs[o], (n * s.outChannels + o) * s.L, (n * s.outChannels + o + 1) * s.L);
    for (let grp = 0; grp < g.groups; grp++) {
      const yStart = (n * s.outChannels + grp * s.outPerGroup) * s.L;
      gemmInto(
        ws.subarray(grp * s.outPerGroup * s.rows, (grp + 1) * s.outPerGroup * s.rows),
        cols.subarray(grp * s.rows * s.L, (grp + 1) * s.rows * s.L),
        y.subarray(yStart, yStart + s.outPerGroup * s.L),
        s.outPerGroup, s.rows, s.L,
      );
    }
  }
  return storageOf(y, x.dtype);
}

function convBackwardWeight(x: View, gy: View, g: ConvGeometry): Storage {
  const s = sizes(x.shape[1], x.shape[0], gy.shape[1], g);
  const xs = contiguousData(x);
  const gys = contiguousData(gy);
  const gw = allocArray(x.dtype, s.outChannels * s.rows);
  const buffer = allocArray(x.dtype, s.rows * g.groups * s.L);
  // X̂ᵀ of one group, so dW = dY·X̂ᵀ runs on the packed GEMM
  const colsT = allocArray(x.dtype, s.L * s.rows);
  for (let n = 0; n < s.batch; n++) {
    const cols = patches(xs, n, s, g, buffer);
    for (let grp = 0; grp < g.groups; grp++) {
      transposeInto(cols.subarray(grp * s.rows * s.L, (grp + 1) * s.rows * s.L), s.rows, s.L, colsT);
      const yStart = (n * s.outChannels + grp * s.outPerGroup) * s.L;
      gemmInto(
        gys.subarray(yStart, yStart + s.outPerGroup * s.L),
        colsT,
        gw.subarray(grp * s.outPerGroup * s.rows, (grp + 1) * s.outPerGroup * s.rows),
        s.outPerGroup, s.L, s.rows,
      );
    }
  }
  return storageOf(gw, x.dtype);
}

function convBackwardInput(gy: View, w: View, g: ConvGeometry): Storage {
  const channels = w.shape[1] * g.groups;
  const s = sizes(channels, gy.shape[0], w.shape[0], g);
  const gys = contiguousData(gy);
  const wt = transposeGroups(contiguousData(w), s, g.groups, w.dtype);
  const gx = allocArray(gy.dtype, s.batch * s.planeIn);
  const pointwise = isPointwise(g);
  const dcols = allocArray(gy.dtype, s.rows * g.groups * s.L);
  for (let n = 0; n < s.batch; n++) {
    // a pointwise convolution's X̂ is the image itself, so dX̂ is written straight into dX
    const target = pointwise ? gx.subarray(n * s.planeIn, (n + 1) * s.planeIn) : dcols.fill(0);
    for (let grp = 0; grp < g.groups; grp++) {
      const yStart = (n * s.outChannels + grp * s.outPerGroup) * s.L;
      gemmInto(
        wt.subarray(grp * s.outPerGroup * s.rows, (grp + 1) * s.outPerGroup * s.rows),
        gys.subarray(yStart, yStart + s.outPerGroup * s.L),
        target.subarray(grp * s.rows * s.L, (grp + 1) * s.rows * s.L),
        s.rows, s.outPerGroup, s.L,
      );
    }
    if (!pointwise) col2imInto(dcols, channels, g, gx, n * s.planeIn);
  }
  return storageOf(gx, gy.dtype);
}

/** The im2col + GEMM convolution kernels: the reference backend's default (the fast path of the two). */
export const im2colConvKernels = { conv, convBackwardInput, convBackwardWeight };

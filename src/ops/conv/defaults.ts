/**
 * The defaults of the optional convolution kernels, written with ops for backends that have only the
 * primitives (conv, maxPool, gather, scatterAdd, matmul): im2col is a gather through a table of positions built
 * on the host, col2im the matching scatterAdd, and the two convolution gradients are the lecture's products
 * dX̂ = Wᵀ·dY (then col2im) and dW = dY·X̂ᵀ. They run without recording: the primitives in primitives.ts
 * record their own gradients.
 */
import type { ConvGeometry, Triple } from '../../backends/conv-kernels.js';
import { keep } from '../../core/memory.js';
import { numel } from '../../core/shape.js';
import type { Tensor } from '../../core/tensor.js';
import { fromHost, full, kernels } from '../dispatch.js';
import { gather, scatterAdd } from '../indexing.js';
import { matmul } from '../matmul.js';
import { sum } from '../reduce.js';
import { contiguous, expand, narrow, reshape, transpose } from '../views.js';

/** The zero-padded input extent that every window of `g` fits in (the padding sits at the start). */
function paddedSize(g: ConvGeometry): Triple {
  const fit = (d: number): number => Math.max(g.padBefore[d] + g.inSize[d], (g.outSize[d] - 1) * g.stride[d] + (g.kernelSize[d] - 1) * g.dilation[d] + 1);
  return [fit(0), fit(1), fit(2)];
}

/** Position tables by device and geometry: a training loop asks for the same few every step. */
const tables = new Map<string, Tensor>();
const MAX_TABLES = 64;

/** For each kernel offset k and output position l, the flat position in the padded plane that X̂[k, l] reads. */
function positions(g: ConvGeometry, device: string): Tensor {
  const key = `${device}|${JSON.stringify(g)}`;
  let t = tables.get(key);
  if (t === undefined || t.isDisposed) {
    if (tables.size >= MAX_TABLES) tables.clear();
    t = keep(positionTable(g, device));
    tables.set(key, t);
  }
  return t;
}

function positionTable(g: ConvGeometry, device: string): Tensor {
  const [, pH, pW] = paddedSize(g);
  const [kD, kH, kW] = g.kernelSize;
  const [oD, oH, oW] = g.outSize;
  const L = oD * oH * oW;
  const idx = new Int32Array(kD * kH * kW * L);
  let i = 0;
  for (let kd = 0; kd < kD; kd++) for (let kh = 0; kh < kH; kh++) for (let kw = 0; kw < kW; kw++) {
    for (let od = 0; od < oD; od++) for (let oh = 0; oh < oH; oh++) for (let ow = 0; ow < oW; ow++) {
      const d = od * g.stride[0] + kd * g.dilation[0];
      const h = oh * g.stride[1] + kh * g.dilation[1];
      const w = ow * g.stride[2] + kw * g.dilation[2];
      idx[i++] = (d * pH + h) * pW + w;
    }
  }
  return fromHost(idx, [1, 1, idx.length], 'int32', device);
}

/** The padded input's unpadded region, as a view. */
function inner(t: Tensor, g: ConvGeometry): Tensor {
  return [0, 1, 2].reduce((acc, d) => narrow(acc, d + 2, g.padBefore[d], g.inSize[d]), t);
}

export function im2colDefault(x: Tensor, g: ConvGeometry): Tensor {
  const [n, c] = x.shape;
  const padded = full([n, c, ...paddedSize(g)], 0, x.dtype, x.device);
  kernels('im2col', x).assign(inner(padded, g), x, false);
  const idx = positions(g, x.device);
  const flat = reshape(padded, [n, c, numel(paddedSize(g))]);
  const cols = gather(flat, 2, expand(idx, [n, c, idx.shape[2]]));
  return reshape(cols, [n, c * numel(g.kernelSize), numel(g.outSize)]);
}

export function col2imDefault(cols: Tensor, channels: number, g: ConvGeometry): Tensor {
  const n = cols.shape[0];
  const idx = positions(g, cols.device);
  const zeros = full([n, channels, numel(paddedSize(g))], 0, cols.dtype, cols.device);
  const summed = scatterAdd(zeros, 2, expand(idx, [n, channels, idx.shape[2]]), reshape(cols, [n, channels, idx.shape[2]]));
  return contiguous(inner(reshape(summed, [n, channels, ...paddedSize(g)]), g));
}

/** dX: per group, dX̂ = Wᵀ·dY, then col2im. */
export function convBackwardInputDefault(gy: Tensor, w: Tensor, g: ConvGeometry): Tensor {
  const [n, outChannels] = gy.shape;
  const G = g.groups;
  const rows = numel(w.shape.slice(1));
  const wT = transpose(reshape(w, [1, G, outChannels / G, rows]), 2, 3);
  const dy = reshape(gy, [n, G, outChannels / G, numel(g.outSize)]);
  const dcols = matmul(wT, dy);
  return col2imDefault(reshape(dcols, [n, G * rows, numel(g.outSize)]), w.shape[1] * G, g);
}

/** dW: per group, dY·X̂ᵀ summed over the batch. */
export function convBackwardWeightDefault(x: Tensor, gy: Tensor, g: ConvGeometry): Tensor {
  const [n, outChannels] = gy.shape;
  const G = g.groups;
  const rows = (x.shape[1] / G) * numel(g.kernelSize);
  const cols = reshape(im2colDefault(x, g), [n, G, rows, numel(g.outSize)]);
  const dy = reshape(gy, [n, G, outChannels / G, numel(g.outSize)]);
  const dw = sum(matmul(dy, transpose(cols, 2, 3)), 0);
  return reshape(dw, [outChannels, x.shape[1] / G, ...g.kernelSize]);
}

/** Each output's gradient added at the input position of its maximum. */
export function maxPoolBackwardDefault(gy: Tensor, indices: Tensor, inShape: readonly number[]): Tensor {
  const [n, c] = inShape;
  const L = numel(gy.shape.slice(2));
  const zeros = full([n, c, numel(inShape.slice(2))], 0, gy.dtype, gy.device);
  return reshape(scatterAdd(zeros, 2, reshape(indices, [n, c, L]), reshape(gy, [n, c, L])), inShape);
}

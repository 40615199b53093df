import { allocArray } from '../../core/dtype.js';
import { numel } from '../../core/shape.js';
import type { Storage, View } from '../backend.js';
import type { ConvGeometry } from '../conv-kernels.js';
import { contiguousData, storageOf } from './strided.js';

/**
 * im2col by its definition: row r = ((c·kD + kd)·kH + kh)·kW + kw and column l = (od·oH + oh)·oW + ow of
 * image n's patch matrix hold x[n, c, od·sd - pd + kd·dd, oh·sh - ph + kh·dh, ow·sw - pw + kw·dw], zero where
 * that position is padding. `visit(ci, xi)` is called for every entry with its flat index in the patch
 * matrices [N, C·K, L] and in x, or -1 for padding.
 */
function forEachEntry(batch: number, channels: number, g: ConvGeometry, visit: (ci: number, xi: number) => void): void {
  const [D, H, W] = g.inSize;
  const [oD, oH, oW] = g.outSize;
  const [kD, kH, kW] = g.kernelSize;
  const at = (o: number, k: number, dim: number): number => o * g.stride[dim] - g.padBefore[dim] + k * g.dilation[dim];
  const inside = (i: number, dim: number): boolean => i >= 0 && i < g.inSize[dim];
  let ci = 0;
  for (let n = 0; n < batch; n++) for (let c = 0; c < channels; c++) {
    for (let kd = 0; kd < kD; kd++) for (let kh = 0; kh < kH; kh++) for (let kw = 0; kw < kW; kw++) {
      for (let od = 0; od < oD; od++) for (let oh = 0; oh < oH; oh++) for (let ow = 0; ow < oW; ow++, ci++) {
        const [id, ih, iw] = [at(od, kd, 0), at(oh, kh, 1), at(ow, kw, 2)];
        const padding = !inside(id, 0) || !inside(ih, 1) || !inside(iw, 2);
        visit(ci, padding ? -1 : (((n * channels + c) * D + id) * H + ih) * W + iw);
      }
    }
  }
}

export function im2col(x: View, g: ConvGeometry): Storage {
  const [batch, channels] = x.shape;
  const xs = contiguousData(x);
  const out = allocArray(x.dtype, batch * channels * numel(g.kernelSize) * numel(g.outSize));
  forEachEntry(batch, channels, g, (ci, xi) => { if (xi >= 0) out[ci] = xs[xi]; });
  return storageOf(out, x.dtype);
}

/** The adjoint of im2col: every entry of the patch matrices is added back onto the pixel it was read from. */
export function col2im(cols: View, channels: number, g: ConvGeometry): Storage {
  const [batch] = cols.shape;
  const cs = contiguousData(cols);
  const sums = new Float64Array(batch * channels * numel(g.inSize));
  forEachEntry(batch, channels, g, (ci, xi) => { if (xi >= 0) sums[xi] += cs[ci]; });
  const out = allocArray(cols.dtype, sums.length);
  out.set(sums);
  return storageOf(out, cols.dtype);
}

import { allocArray, type DType, type TypedArray } from '../../core/dtype.js';
import { numel } from '../../core/shape.js';
import type { Storage, View } from '../backend.js';
import type { ConvGeometry } from '../conv-kernels.js';
import { contiguousData, storageOf } from './strided.js';

/** The sizes and index maps the convolution sum runs over, shared by `forEachProduct` and the forward. */
function sumBounds(xShape: readonly number[], wShape: readonly number[], g: ConvGeometry) {
  const [batch, channels] = xShape;
  const [outChannels, groupChannels] = wShape;
  return {
    batch, channels, outChannels, groupChannels,
    perGroup: outChannels / g.groups,
    /** The input position that output position o and kernel tap k read along spatial dim `dim`. */
    at: (o: number, k: number, dim: number): number => o * g.stride[dim] - g.padBefore[dim] + k * g.dilation[dim],
    /** Outside the input is zero padding. */
    inside: (i: number, dim: number): boolean => i >= 0 && i < g.inSize[dim],
  };
}

/**
 * The textbook convolution, the oracle the fast backends are tested against:
 *   y[n, o, p] = bias[o] + Σ_c Σ_k x[n, g·Cg + c, p·stride - pad + k·dilation] · w[o, c, k]
 * (p and k run over the three spatial dims, g is the group of output channel o, Cg the channels per group;
 * conv1d and conv2d are this 5-D case with singleton leading dims). `forEachProduct` visits every term of
 * that sum once as flat indices (yi, xi, wi); the forward and both gradients are the same sum accumulated
 * into y, into x (dL/dx += dL/dy · w) or into w (dL/dw += x · dL/dy). Sums run in float64 and are rounded
 * once at the end, so the oracle is at least as exact as any backend it checks.
 */
export function forEachProduct(xShape: readonly number[], wShape: readonly number[], g: ConvGeometry, visit: (yi: number, xi: number, wi: number) => void): void {
  const { batch, channels, outChannels, groupChannels, perGroup, at, inside } = sumBounds(xShape, wShape, g);
  const [D, H, W] = g.inSize;
  const [oD, oH, oW] = g.outSize;
  const [kD, kH, kW] = g.kernelSize;
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < outChannels; o++) {
      const firstChannel = Math.floor(o / perGroup) * groupChannels;
      for (let od = 0; od < oD; od++) for (let oh = 0; oh < oH; oh++) for (let ow = 0; ow < oW; ow++) {
        const yi = (((n * outChannels + o) * oD + od) * oH + oh) * oW + ow;
        for (let c = 0; c < groupChannels; c++) {
          for (let kd = 0; kd < kD; kd++) for (let kh = 0; kh < kH; kh++) for (let kw = 0; kw < kW; kw++) {
            const id = at(od, kd, 0);
            const ih = at(oh, kh, 1);
            const iw = at(ow, kw, 2);
            if (!inside(id, 0) || !inside(ih, 1) || !inside(iw, 2)) continue; // zero padding
            const xi = (((n * channels + firstChannel + c) * D + id) * H + ih) * W + iw;
            const wi = (((o * groupChannels + c) * kD + kd) * kH + kh) * kW + kw;
            visit(yi, xi, wi);
          }
        }
      }
    }
  }
}

/** The float64 sums rounded once to `dtype`. */
function rounded(sums: Float64Array, dtype: DType): Storage {
  if (dtype === 'float64') return storageOf(sums, dtype);
  const out: TypedArray = allocArray(dtype, sums.length);
  out.set(sums);
  return storageOf(out, dtype);
}

/** The forward sum written out (no callback per term: every model's forward on this backend runs it). */
function conv(x: View, w: View, bias: View | null, g: ConvGeometry): Storage {
  const xs = contiguousData(x);
  const ws = contiguousData(w);
  const bs = bias ? contiguousData(bias) : null;
  const { batch, channels, outChannels, groupChannels, perGroup, at, inside } = sumBounds(x.shape, w.shape, g);
  const [D, H, W] = g.inSize;
  const [oD, oH, oW] = g.outSize;
  const [kD, kH, kW] = g.kernelSize;
  const y = new Float64Array(batch * outChannels * oD * oH * oW);
  let yi = 0;
  for (let n = 0; n < batch; n++) for (let o = 0; o < outChannels; o++) {
    const firstChannel = Math.floor(o / perGroup) * groupChannels;
    for (let od = 0; od < oD; od++) for (let oh = 0; oh < oH; oh++) for (let ow = 0; ow < oW; ow++, yi++) {
      let sum = bs ? bs[o] : 0;
      for (let c = 0; c < groupChannels; c++) {
        for (let kd = 0; kd < kD; kd++) for (let kh = 0; kh < kH; kh++) for (let kw = 0; kw < kW; kw++) {
          const id = at(od, kd, 0);
          const ih = at(oh, kh, 1);
          const iw = at(ow, kw, 2);
          if (!inside(id, 0) || !inside(ih, 1) || !inside(iw, 2)) continue; // zero padding
          sum += xs[(((n * channels + firstChannel + c) * D + id) * H + ih) * W + iw] * ws[(((o * groupChannels + c) * kD + kd) * kH + kh) * kW + kw];
        }
      }
      y[yi] = sum;
    }
  }
  return rounded(y, x.dtype);
}

function convBackwardInput(gy: View, w: View, g: ConvGeometry): Storage {
  const gys = contiguousData(gy);
  const ws = contiguousData(w);
  const xShape = [gy.shape[0], w.shape[1] * g.groups, ...g.inSize];
  const gx = new Float64Array(numel(xShape));
  forEachProduct(xShape, w.shape, g, (yi, xi, wi) => (gx[xi] += gys[yi] * ws[wi]));
  return rounded(gx, gy.dtype);
}

function convBackwardWeight(x: View, gy: View, g: ConvGeometry): Storage {
  const xs = contiguousData(x);
  const gys = contiguousData(gy);
  const wShape = [gy.shape[1], x.shape[1] / g.groups, ...g.kernelSize];
  const gw = new Float64Array(numel(wShape));
  forEachProduct(x.shape, wShape, g, (yi, xi, wi) => (gw[wi] += xs[xi] * gys[yi]));
  return rounded(gw, x.dtype);
}

/** The convolution kernels: forward, and both gradients (convTranspose is the input gradient run forward). */
export const convKernels = { conv, convBackwardInput, convBackwardWeight };

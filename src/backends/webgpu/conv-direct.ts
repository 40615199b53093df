/**
 * Direct convolutions: one invocation per output element, looping over its taps. Implicit GEMM wastes most of a
 * 32×32 tile when a group has few output channels (depthwise convolutions, average pooling as a convolution of
 * ones, LeNet's 6-channel first layer) or when the reduction is a handful of taps; these loops have no tile to fill.
 * The tap loops run over kD, kH, kW directly, so the inner loop has no integer division.
 */
import { GEO_WGSL } from './conv-geometry.js';
import type { EpilogueActivation } from '../backend.js';
import { epilogue, MAIN_1D, PRELUDE } from './wgsl.js';

const at = GEO_WGSL;

export const DIRECT_FORWARD = (bias: boolean, activation: EpilogueActivation | null): string => `${PRELUDE}
@group(0) @binding(1) var<storage, read_write> Y: array<f32>;
@group(0) @binding(2) var<storage, read> X: array<f32>;
@group(0) @binding(3) var<storage, read> Wt: array<f32>;
${bias ? '@group(0) @binding(4) var<storage, read> bias: array<f32>;' : ''}
fn body(i: i32) {
  let oW = ${at('oW')}; let oH = ${at('oH')}; let oD = ${at('oD')};
  let H = ${at('H')}; let W = ${at('W')}; let D = ${at('D')};
  let kD = ${at('kD')}; let kH = ${at('kH')}; let kW = ${at('kW')};
  let ow = i % oW; let oh = (i / oW) % oH; let od = (i / (oW * oH)) % oD;
  let oc = (i / (oW * oH * oD)) % ${at('O')};
  let n = i / (oW * oH * oD * ${at('O')});
  let Cg = ${at('Cg')};
  let g = oc / ${at('Og')};
  let id0 = od * ${at('s0')} - ${at('p0')}; let ih0 = oh * ${at('s1')} - ${at('p1')}; let iw0 = ow * ${at('s2')} - ${at('p2')};
  let d0 = ${at('d0')}; let d1 = ${at('d1')}; let d2 = ${at('d2')};
  let xb0 = ${at('offx')} + (n * ${at('C')} + g * Cg) * D * H * W;
  var wi = ${at('offy')} + oc * Cg * kD * kH * kW;
  var acc = 0.0;
  for (var c = 0; c < Cg; c++) {
    let xb = xb0 + c * D * H * W;
    for (var kd = 0; kd < kD; kd++) {
      let id = id0 + kd * d0;
      for (var kh = 0; kh < kH; kh++) {
        let ih = ih0 + kh * d1;
        for (var kw = 0; kw < kW; kw++) {
          let iw = iw0 + kw * d2;
          if (id >= 0 && id < D && ih >= 0 && ih < H && iw >= 0 && iw < W) { acc += X[xb + (id * H + ih) * W + iw] * Wt[wi]; }
          wi++;
        }
      }
    }
  }
  ${epilogue(`acc${bias ? ` + bias[${at('offb')} + oc]` : ''}`, activation)}
  Y[i] = r;
}
${MAIN_1D}`;

/** dX at one input position: every (output channel of its group, tap) whose window reads it through the stride. */
export const DIRECT_INPUT_GRAD = `${PRELUDE}
@group(0) @binding(1) var<storage, read_write> DX: array<f32>;
@group(0) @binding(2) var<storage, read> GY: array<f32>;
@group(0) @binding(3) var<storage, read> Wt: array<f32>;
fn tap(i: i32, k: i32, s: i32, p: i32, d: i32, size: i32) -> i32 {
  let num = i + p - k * d;
  if (num < 0) { return -1; }
  let o = num / s;
  return select(-1, o, o * s == num && o < size);
}
fn body(i: i32) {
  let H = ${at('H')}; let W = ${at('W')}; let D = ${at('D')};
  let oW = ${at('oW')}; let oH = ${at('oH')}; let oD = ${at('oD')};
  let kD = ${at('kD')}; let kH = ${at('kH')}; let kW = ${at('kW')};
  let iw = i % W; let ih = (i / W) % H; let id = (i / (W * H)) % D;
  let c = (i / (W * H * D)) % ${at('C')};
  let n = i / (W * H * D * ${at('C')});
  let Cg = ${at('Cg')}; let Og = ${at('Og')}; let O = ${at('O')};
  let offy = ${at('offy')}; let offw = ${at('offx')};
  let gyStride = oD * oH * oW; let wStride = Cg * kD * kH * kW;
  let g = c / Cg;
  var acc = 0.0;
  for (var kd = 0; kd < kD; kd++) {
    let od = tap(id, kd, ${at('s0')}, ${at('p0')}, ${at('d0')}, oD);
    if (od < 0) { continue; }
    for (var kh = 0; kh < kH; kh++) {
      let oh = tap(ih, kh, ${at('s1')}, ${at('p1')}, ${at('d1')}, oH);
      if (oh < 0) { continue; }
      for (var kw = 0; kw < kW; kw++) {
        let ow = tap(iw, kw, ${at('s2')}, ${at('p2')}, ${at('d2')}, oW);
        if (ow < 0) { continue; }
        // dY[n, g·Og + m, od, oh, ow] · W[g·Og + m, c - g·Cg, kd, kh, kw], stepping m by each tensor's channel stride
        var gi = offy + (((n * O + g * Og) * oD + od) * oH + oh) * oW + ow;
        var wi = offw + (((g * Og * Cg + c - g * Cg) * kD + kd) * kH + kh) * kW + kw;
        for (var m = 0; m < Og; m++) {
          acc += GY[gi] * Wt[wi];
          gi += gyStride;
          wi += wStride;
        }
      }
    }
  }
  DX[i] = acc;
}
${MAIN_1D}`;

/**
 * dW as partial sums, one invocation per (image chunk, weight element): the chunk's images and output positions
 * that read the weight's tap, summed in order. Partials are [splits][O·Cg·kD·kH·kW]; the caller adds the splits.
 * prm[1] is the batch size, the geometry's `chunk` the images per split.
 */
export const DIRECT_WEIGHT_GRAD = `${PRELUDE}
@group(0) @binding(1) var<storage, read_write> DW: array<f32>;
@group(0) @binding(2) var<storage, read> X: array<f32>;
@group(0) @binding(3) var<storage, read> GY: array<f32>;
fn body(i: i32) {
  let H = ${at('H')}; let W = ${at('W')}; let D = ${at('D')};
  let oW = ${at('oW')}; let oH = ${at('oH')}; let oD = ${at('oD')};
  let kD = ${at('kD')}; let kH = ${at('kH')}; let kW = ${at('kW')};
  let s0 = ${at('s0')}; let s1 = ${at('s1')}; let s2 = ${at('s2')};
  let Cg = ${at('Cg')};
  let weights = ${at('O')} * Cg * kD * kH * kW;
  let split = i / weights;
  let w = i - split * weights;
  let kw = w % kW; let kh = (w / kW) % kH; let kd = (w / (kW * kH)) % kD;
  let c = (w / (kW * kH * kD)) % Cg;
  let oc = w / (kW * kH * kD * Cg);
  let g = oc / ${at('Og')};
  let id0 = kd * ${at('d0')} - ${at('p0')}; let ih0 = kh * ${at('d1')} - ${at('p1')}; let iw0 = kw * ${at('d2')} - ${at('p2')};
  let n0 = split * ${at('chunk')};
  let n1 = min(prm[1], n0 + ${at('chunk')});
  var acc = 0.0;
  for (var n = n0; n < n1; n++) {
    let xb = ${at('offx')} + (n * ${at('C')} + g * Cg + c) * D * H * W;
    let yb = ${at('offy')} + (n * ${at('O')} + oc) * oD * oH * oW;
    for (var od = 0; od < oD; od++) {
      let id = id0 + od * s0;
      if (id < 0 || id >= D) { continue; }
      for (var oh = 0; oh < oH; oh++) {
        let ih = ih0 + oh * s1;
        if (ih < 0 || ih >= H) { continue; }
        let xr = xb + (id * H + ih) * W;
        let yr = yb + (od * oH + oh) * oW;
        for (var ow = 0; ow < oW; ow++) {
          let iw = iw0 + ow * s2;
          if (iw >= 0 && iw < W) { acc += GY[yr + ow] * X[xr + iw]; }
        }
      }
    }
  }
  DW[i] = acc;
}
${MAIN_1D}`;

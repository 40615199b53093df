/**
 * Weight gradients without im2col. The direct kernel (tools/wasm/wat/conv-weight.ts): for 2-D convolutions with
 * unit stride and dilation along the width, dW is summed straight from the zero-padded input rows and dY, with no
 * GEMM packing; threads split the batch (each its own 4-lane partial sums, added here) or, for fewer images than
 * threads, the output channels (disjoint parts of one partial-sum buffer). And whole-input windows (a classifier
 * written as a convolution), where dW is one GEMM over the batch.
 */
import { numel } from '../../core/shape.js';
import type { ConvGeometry } from '../conv-kernels.js';
import { DIRECT_MAX_KW, directChunkRows, directTileRows } from './conv-weight-shape.js';
import { gemm, gemmScratch, splitRange } from './matmul.js';
import type { WasmRuntime } from './runtime.js';

/**
 * Where the direct kernel applies (2-D, one group, width stride and dilation 1, kernel width up to DIRECT_MAX_KW)
 * and beats im2col + GEMM: the GEMM's packing costs per flop fall as 1/O, the direct kernel's per-row overhead
 * grows as 1/oW. Measured on 3×3 layers (1 thread): direct wins at O = 64 on 8×8 (2.2 vs 2.8 ms) and O = 96 on
 * 12×12, loses at O = 128 on 8×8 and O = 256 on 4×4 (22 vs 11 ms).
 */
export function isDirectWeightGradient(g: ConvGeometry, outChannels: number): boolean {
  const flat = g.inSize[0] === 1 && g.kernelSize[0] === 1 && g.outSize[0] === 1;
  const unitWidth = g.stride[2] === 1 && g.dilation[2] === 1 && g.kernelSize[2] <= DIRECT_MAX_KW;
  return flat && unitWidth && g.groups === 1 && outChannels <= 8 * g.outSize[2];
}

/**
 * Every window covers the whole unpadded input, one output per image (LeNet's conv3, a classifier written as a
 * convolution): then X̂ is the image itself and dW = dYᵀ·X, one GEMM over the batch with no im2col.
 */
export function isWholeInput(g: ConvGeometry): boolean {
  return g.groups === 1 && [0, 1, 2].every((d) =>
    g.outSize[d] === 1 && g.padBefore[d] === 0 && g.kernelSize[d] === g.inSize[d] && (g.kernelSize[d] === 1 || g.dilation[d] === 1));
}

export interface WeightGradientCall {
  /** geometry record, input and dY in WebAssembly memory (dense NCHW) */
  geom: number;
  x: number;
  dy: number;
  batch: number;
  channels: number;
  outChannels: number;
  g: ConvGeometry;
  threads: number;
}

/** dW = dYᵀ·X [O, C·D·H·W] for whole-input windows: one GEMM over the batch. */
export function wholeInputWeightGradient(rt: WasmRuntime, call: WeightGradientCall): Float32Array {
  const { batch, outChannels: O } = call;
  const rows = call.channels * numel(call.g.inSize);
  const dw = rt.alloc(4 * O * rows);
  gemm(rt, {
    batch: 1, m: O, n: rows, k: batch,
    a: call.dy, aStrides: [0, 1, O], b: call.x, bStrides: [0, rows, 1], c: dw, cStrides: [0, rows], accumulate: false,
  }, gemmScratch(rt, call.threads));
  return rt.take(dw, O * rows);
}

/** dW [O, C, kH, kW] as a fresh array. dY must be followed by 4 readable floats (a masked vector reads them). */
export function directWeightGradient(rt: WasmRuntime, call: WeightGradientCall): Float32Array {
  const { batch, channels: C, outChannels: O, g } = call;
  const [, oH, oW] = g.outSize;
  const [, kH, kW] = g.kernelSize;
  const ob = directTileRows(kW);
  const blocks = Math.ceil(O / ob);
  const taps = C * kH * kW;
  const partialFloats = 4 * blocks * ob * taps;
  const byImage = batch >= call.threads;
  const ranges = splitRange(byImage ? batch : blocks, call.threads, 1);
  const partials = byImage ? ranges.map(() => rt.alloc(4 * partialFloats)) : [rt.alloc(4 * partialFloats)];
  for (const p of partials) rt.view(p, partialFloats).fill(0);
  const hp = (oH - 1) * g.stride[1] + (kH - 1) * g.dilation[1] + 1;
  const wp = Math.ceil(oW / 4) * 4 + kW - 1;
  const chunk = directChunkRows(oW);
  // small images go `group` at a time through each tile call, so a call does more than a few vectors of work
  const group = chunk >= oH ? Math.max(1, Math.floor(chunk / oH)) : 1;
  rt.run('convBackwardWeightDirect', ranges.map(([start, count], t) => {
    const [n0, n1] = byImage ? [start, start + count] : [0, batch];
    const [o0, o1] = byImage ? [0, O] : [start * ob, Math.min(O, (start + count) * ob)];
    const scratch = [rt.alloc(4 * group * C * hp * wp), rt.alloc(4 * (group * ob * oH * oW + 4))];
    return [call.geom, n0, n1, o0, o1, call.x, call.dy, partials[byImage ? t : 0], ...scratch, ob, chunk, group];
  }));
  return reduceLanes(partials.map((p) => rt.view(p, partialFloats)), O * taps);
}

/** dw[i] = the sum of the four lanes of entry i over every partial buffer. */
function reduceLanes(parts: Float32Array[], size: number): Float32Array {
  const dw = new Float32Array(size);
  for (const part of parts) {
    for (let i = 0; i < size; i++) dw[i] += part[4 * i] + part[4 * i + 1] + part[4 * i + 2] + part[4 * i + 3];
  }
  return dw;
}

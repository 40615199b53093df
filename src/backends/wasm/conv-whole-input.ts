/**
 * Convolutions whose one window covers the whole input (isWholeInput: LeNet's C5, a 5×5 kernel on a 5×5 map): each
 * image's X̂ is the image itself as one column, so the convolution is a fully connected layer,
 * y[N, O] = x[N, C·K]·Wᵀ, and its input gradient dx = dy·W: one GEMM over the batch each, with no im2col, col2im
 * or layout swap. The weight gradient's GEMM is in conv-weight.ts.
 */
import { gemm, gemmScratch } from './matmul.js';
import type { WasmRuntime } from './runtime.js';

/** Sizes of a whole-input convolution: `rows` = C·kernel volume, the length of each image. */
export interface WholeInput {
  batch: number;
  rows: number;
  O: number;
  threads: number;
}

/** y = x·Wᵀ (+ bias, written first so the GEMM adds onto it); pointers into the runtime's memory. */
export function wholeInputConv(rt: WasmRuntime, s: WholeInput, x: number, w: number, bias: number, y: number): void {
  if (bias) {
    const b = rt.view(bias, s.O);
    for (let n = 0; n < s.batch; n++) rt.view(y + 4 * n * s.O, s.O).set(b);
  }
  gemm(rt, {
    batch: 1, m: s.batch, n: s.O, k: s.rows,
    a: x, aStrides: [0, s.rows, 1],
    b: w, bStrides: [0, 1, s.rows], // Wᵀ
    c: y, cStrides: [0, s.O], accumulate: bias !== 0,
  }, gemmScratch(rt, s.threads));
}

/** dx = dy·W. */
export function wholeInputInputGradient(rt: WasmRuntime, s: WholeInput, dy: number, w: number, dx: number): void {
  gemm(rt, {
    batch: 1, m: s.batch, n: s.rows, k: s.O,
    a: dy, aStrides: [0, s.O, 1],
    b: w, bStrides: [0, s.rows, 1],
    c: dx, cStrides: [0, s.rows], accumulate: false,
  }, gemmScratch(rt, s.threads));
}

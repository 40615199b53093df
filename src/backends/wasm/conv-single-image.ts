/**
 * Convolutions of fewer images than threads (ResNet inference on one image): the threads cannot take an image
 * each, so they split the work inside every image instead: the input channels of im2col/col2im, then the rows
 * or columns of each group's GEMM (matmul.ts picks the split).
 */
import type { ConvGeometry } from '../conv-kernels.js';
import { gemm, gemmScratch, splitRange } from './matmul.js';
import type { WasmRuntime } from './runtime.js';

/** The sizes of one convolution the split needs, in elements (conv.ts extends it into its Problem). */
export interface ImageProblem {
  batch: number;
  C: number;
  O: number;
  /** output positions per image */
  L: number;
  /** rows of X̂ per group: C/groups · kernel volume */
  rows: number;
  /** output channels per group */
  og: number;
  planeIn: number;
  /** 1×1, stride 1, no padding: X̂ is the image itself */
  pointwise: boolean;
}

/** The kernel call's geometry record (conv-layout.ts) in WebAssembly memory, and the threads it may use. */
export interface ImageOperands {
  geom: number;
  threads: number;
}

/** X̂ scratch for one image: none for pointwise convolutions, which read the image itself. */
const colsBytes = (p: ImageProblem, g: ConvGeometry): number => (p.pointwise ? 0 : 4 * p.rows * g.groups * p.L);

/** Runs im2col or col2im on one image with its channels split across threads. */
function byChannel(rt: WasmRuntime, job: 'im2col' | 'col2im', geom: number, from: number, to: number, p: ImageProblem, threads: number): void {
  rt.run(job, splitRange(p.C, threads, 1).map(([c0, count]) => [geom, from, to, c0, c0 + count, p.L]));
}

/** Operands are byte addresses of dense arrays in WebAssembly memory. y = conv(x, w) + bias image by image: Y = W·X̂ per group, onto the bias when there is one (bias 0: none). */
export function convSingleImages(rt: WasmRuntime, p: ImageProblem, g: ConvGeometry, { geom, threads }: ImageOperands,
                                 x: number, w: number, bias: number, y: number): void {
  const cols = rt.alloc(colsBytes(p, g));
  const scratch = gemmScratch(rt, threads);
  for (let n = 0; n < p.batch; n++) {
    const xn = x + 4 * n * p.C * p.planeIn;
    const yn = y + 4 * n * p.O * p.L;
    if (!p.pointwise) byChannel(rt, 'im2col', geom, xn, cols, p, threads);
    const src = p.pointwise ? xn : cols;
    if (bias) {
      const b = rt.view(bias, p.O);
      for (let o = 0; o < p.O; o++) rt.view(yn + 4 * o * p.L, p.L).fill(b[o]);
    }
    for (let grp = 0; grp < g.groups; grp++) {
      gemm(rt, {
        batch: 1, m: p.og, n: p.L, k: p.rows,
        a: w + 4 * grp * p.og * p.rows, aStrides: [0, p.rows, 1],
        b: src + 4 * grp * p.rows * p.L, bStrides: [0, p.L, 1],
        c: yn + 4 * grp * p.og * p.L, cStrides: [0, p.L], accumulate: bias !== 0,
      }, scratch);
    }
  }
}

/** dx image by image: dX̂ = Wᵀ·dY per group, then col2im (pointwise: dX̂ is dx). */
export function convBackwardInputSingleImages(rt: WasmRuntime, p: ImageProblem, g: ConvGeometry, { geom, threads }: ImageOperands,
                                              dy: number, w: number, dx: number): void {
  const cols = rt.alloc(colsBytes(p, g));
  const scratch = gemmScratch(rt, threads);
  for (let n = 0; n < p.batch; n++) {
    const dxn = dx + 4 * n * p.C * p.planeIn;
    const dst = p.pointwise ? dxn : cols;
    for (let grp = 0; grp < g.groups; grp++) {
      gemm(rt, {
        batch: 1, m: p.rows, n: p.L, k: p.og,
        a: w + 4 * grp * p.og * p.rows, aStrides: [0, 1, p.rows], // Wᵀ
        b: dy + 4 * (n * p.O + grp * p.og) * p.L, bStrides: [0, p.L, 1],
        c: dst + 4 * grp * p.rows * p.L, cStrides: [0, p.L], accumulate: false,
      }, scratch);
    }
    if (!p.pointwise) byChannel(rt, 'col2im', geom, cols, dxn, p, threads);
  }
}

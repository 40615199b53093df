/**
 * Convolution kernels on WebAssembly: im2col + the SIMD GEMM (tools/wasm/wat/conv.ts), a direct depthwise kernel,
 * Winograd (winograd.ts, and winograd-weight.ts for dW), whole-input convolutions as one GEMM over the batch
 * (conv-whole-input.ts, and conv-weight.ts for dW), the direct weight gradient (conv-weight.ts), and the thread
 * split. A batch of at least as many images as threads is split by image, each thread running im2col and its GEMMs
 * alone; a smaller batch (ResNet inference on one image) is split inside each image instead: the channels of
 * im2col/col2im, then the rows or columns of each GEMM.
 */
import { numel } from '../../core/shape.js';
import type { AllKernels, Storage, View } from '../backend.js';
import { isPointwise, type ConvGeometry } from '../conv-kernels.js';
import { referenceKernels } from '../reference/index.js';
import { contiguousData, storageOf } from '../reference/strided.js';
import { GEOMETRY_FIELDS, type GeometryField } from './conv-layout.js';
import { directWeightGradient, isDirectWeightGradient, isWholeInput, wholeInputWeightGradient, type WeightGradientCall } from './conv-weight.js';
import { wholeInputConv, wholeInputInputGradient } from './conv-whole-input.js';
import { gemm, gemmScratch, splitRange, threadsFor } from './matmul.js';
import { convBackwardInputSingleImages, convSingleImages, type ImageProblem } from './conv-single-image.js';
import { placeDense } from './operands.js';
import type { WeightCache } from './weight-cache.js';
import { isWinograd, transposedGeometry, winogradConv, winogradFilterBytes, winogradFilters } from './winograd.js';
import { isWinogradWeight, winogradWeightGradient } from './winograd-weight.js';
import { output, residentDense } from './resident-storage.js';
import type { WasmRuntime } from './runtime.js';

type ConvKernels = Pick<AllKernels, 'conv' | 'convBackwardInput' | 'convBackwardWeight'>;

/** Sizes of one convolution in elements, named as in the reference backend. */
interface Problem extends ImageProblem {
  flops: number;
}

function problem(batch: number, C: number, O: number, g: ConvGeometry): Problem {
  const L = numel(g.outSize);
  const rows = (C / g.groups) * numel(g.kernelSize);
  return { batch, C, O, L, rows, og: O / g.groups, planeIn: numel(g.inSize), pointwise: isPointwise(g), flops: 2 * batch * O * L * rows };
}

function writeGeometry(rt: WasmRuntime, g: ConvGeometry, p: Problem): number {
  const [D, H, W] = g.inSize;
  const [oD, oH, oW] = g.outSize;
  const [kD, kH, kW] = g.kernelSize;
  const [sD, sH, sW] = g.stride;
  const [dD, dH, dW] = g.dilation;
  const [pD, pH, pW] = g.padBefore;
  const f: Record<GeometryField, number> = {
    C: p.C, D, H, W, oD, oH, oW, kD, kH, kW, sD, sH, sW, dD, dH, dW, pD, pH, pW, groups: g.groups, O: p.O, pointwise: p.pointwise ? 1 : 0,
  };
  return rt.putI32(GEOMETRY_FIELDS.map((k) => f[k]));
}

const float32 = (...vs: (View | null)[]): boolean => vs.every((v) => v === null || v.dtype === 'float32');
const empty = (...vs: View[]): boolean => vs.some((v) => numel(v.shape) === 0);

/**
 * Each output channel filters one input channel (groups = C, O a multiple of C: depthwise convolutions, and every
 * convolution of a single-channel image) on a 2-D or 1-D input: the direct kernel beats GEMMs of one row per group.
 */
function isDepthwise(g: ConvGeometry, p: Problem): boolean {
  return g.groups === p.C && p.O % p.C === 0 && g.inSize[0] === 1 && g.kernelSize[0] === 1 && g.outSize[0] === 1;
}

/**
 * Below this many flops the reference kernel runs instead: it takes about as long as copying the operands into
 * WebAssembly and back, and it sums in double precision, where the SIMD GEMM sums in float32 (a tiny weight
 * gradient with cancelling terms is then exact to float32 rounding, as the nn fixtures check).
 */
export const REFERENCE_MAX_FLOPS = 1 << 16;

/** Below this many output positions per image, a thread's images go side by side into one GEMM. */
export const BATCHED_MAX_L = 1024;

interface Scratch {
  t: number;
  cols: number;
  work: number;
}

/** X̂ scratch for one image (none for pointwise convolutions, which read the image itself). */
const colsBytes = (p: Problem, groups: number): number => (p.pointwise ? 0 : 4 * p.rows * groups * p.L);

export function wasmConvKernels(rt: WasmRuntime, cache: WeightCache): ConvKernels {
  /** The weights dense in WebAssembly memory: the cached copy of this version, else a scratch copy. */
  function denseWeight(w: View): number {
    const n = numel(w.shape);
    return residentDense(rt, w) ?? cache.get(w, 'dense', 4 * n, (ptr) => rt.view(ptr, n).set(contiguousData(w) as Float32Array)) ?? placeDense(rt, w);
  }

  /** Winograd's U of the weights (`transposed`: [C][O][3][3] used flipped, for dX), cached per weight version. */
  function winogradWeight(w: View, outChannels: number, channels: number, transposed: boolean, threads: number): number {
    const bytes = winogradFilterBytes(outChannels, channels);
    const fill = (u: number): void => winogradFilters(rt, placeDense(rt, w), u, outChannels, channels, transposed, threads);
    const cached = cache.get(w, transposed ? 'winogradT' : 'winograd', bytes, fill);
    if (cached !== null) return cached;
    const u = rt.alloc(bytes);
    fill(u);
    return u;
  }

  /**
   * Runs a per-thread job over image ranges [n0, n1), each thread with its own X̂, GEMM and swap scratch. Small
   * images (L below BATCHED_MAX_L) with at least two per thread take the batched job: one wide GEMM per thread.
   */
  function byImage(kind: 'conv' | 'convBackwardInput' | 'convBackwardWeight', p: Problem, groups: number, threads: number,
                   args: (n0: number, n1: number, scratch: Scratch) => number[]): void {
    const ranges = splitRange(p.batch, threads, 1);
    const batched = p.L < BATCHED_MAX_L && p.batch >= 2 * ranges.length;
    const work = gemmScratch(rt, ranges.length);
    const parts = ranges.map(([n0, count], t) => {
      const cols = rt.alloc(batched ? 4 * p.rows * groups * count * p.L : colsBytes(p, groups));
      const tmp = batched ? rt.alloc(4 * p.O * count * p.L) : 0;
      const a = args(n0, n0 + count, { t, cols, work: work[t] });
      return batched ? [...a, tmp] : a;
    });
    rt.run(batched ? `${kind}Batched` : `${kind}Images`, parts);
  }

  /** Runs im2col or col2im on one image with its channels split across threads. */
  function byChannel(job: 'im2col' | 'col2im', geom: number, from: number, to: number, p: Problem, threads: number): void {
    rt.run(job, splitRange(p.C, threads, 1).map(([c0, count]) => [geom, from, to, c0, c0 + count, p.L]));
  }

  function conv(x: View, w: View, bias: View | null, g: ConvGeometry): Storage {
    if (!float32(x, w, bias) || empty(x, w)) return referenceKernels.conv(x, w, bias, g);
    const p = problem(x.shape[0], x.shape[1], w.shape[0], g);
    if (p.flops < REFERENCE_MAX_FLOPS) return referenceKernels.conv(x, w, bias, g);
    rt.begin();
    const threads = threadsFor(rt, p.flops);
    const geom = writeGeometry(rt, g, p);
    const px = placeDense(rt, x);
    const pb = bias ? placeDense(rt, bias) : 0;
    const y = rt.alloc(4 * p.batch * p.O * p.L);
    if (isWinograd(g, p.batch, p.C, p.O) && !isWholeInput(g)) {
      const u = winogradWeight(w, p.O, p.C, false, threads);
      winogradConv(rt, { geom, batch: p.batch, channels: p.C, outChannels: p.O, g, x: px, bias: pb, y, threads }, u);
      return output(rt, y, p.batch * p.O * p.L);
    }
    const pw = denseWeight(w);
    if (isWholeInput(g)) {
      wholeInputConv(rt, { batch: p.batch, rows: p.rows, O: p.O, threads }, px, pw, pb, y);
    } else if (isDepthwise(g, p)) {
      const [oH, oW] = [g.outSize[1], g.outSize[2]];
      const padBytes = 4 * ((oH - 1) * g.stride[1] + (g.kernelSize[1] - 1) * g.dilation[1] + 1) * ((oW - 1) * g.stride[2] + (g.kernelSize[2] - 1) * g.dilation[2] + 1);
      rt.run('depthwise', splitRange(p.batch * p.O, threads, 1).map(([p0, count]) => [geom, p0, p0 + count, px, pw, pb, y, rt.alloc(padBytes)]));
    } else if (p.batch >= threads) {
      byImage('conv', p, g.groups, threads, (n0, n1, s) => [geom, n0, n1, px, pw, pb, y, s.cols, s.work]);
    } else {
      convSingleImages(rt, p, g, { geom, threads }, px, pw, pb, y);
    }
    return output(rt, y, p.batch * p.O * p.L);
  }

  function convBackwardInput(gy: View, w: View, g: ConvGeometry): Storage {
    if (!float32(gy, w) || empty(gy, w)) return referenceKernels.convBackwardInput(gy, w, g);
    const p = problem(gy.shape[0], w.shape[1] * g.groups, w.shape[0], g);
    if (p.flops < REFERENCE_MAX_FLOPS) return referenceKernels.convBackwardInput(gy, w, g);
    // a 3×3 stride-1 dX is the forward Winograd convolution of dY with the filters flipped and transposed
    const gT = transposedGeometry(g);
    const winograd = gT !== null && isWinograd(gT, p.batch, p.O, p.C);
    rt.begin();
    const threads = threadsFor(rt, p.flops);
    const geom = winograd ? writeGeometry(rt, gT, problem(p.batch, p.O, p.C, gT)) : writeGeometry(rt, g, p);
    const pdy = placeDense(rt, gy);
    const dx = rt.alloc(4 * p.batch * p.C * p.planeIn);
    if (winograd) {
      const u = winogradWeight(w, p.C, p.O, true, threads);
      winogradConv(rt, { geom, batch: p.batch, channels: p.O, outChannels: p.C, g: gT, x: pdy, bias: 0, y: dx, threads }, u);
      return output(rt, dx, p.batch * p.C * p.planeIn);
    }
    const pw = denseWeight(w);
    if (isWholeInput(g)) {
      wholeInputInputGradient(rt, { batch: p.batch, rows: p.rows, O: p.O, threads }, pdy, pw, dx);
    } else if (p.batch >= threads) {
      byImage('convBackwardInput', p, g.groups, threads, (n0, n1, s) => [geom, n0, n1, pdy, pw, dx, s.cols, s.work]);
    } else {
      convBackwardInputSingleImages(rt, p, g, { geom, threads }, pdy, pw, dx);
    }
    return output(rt, dx, p.batch * p.C * p.planeIn);
  }

  function convBackwardWeight(x: View, gy: View, g: ConvGeometry): Storage {
    if (!float32(x, gy) || empty(x, gy)) return referenceKernels.convBackwardWeight(x, gy, g);
    const p = problem(x.shape[0], x.shape[1], gy.shape[1], g);
    if (p.flops < REFERENCE_MAX_FLOPS) return referenceKernels.convBackwardWeight(x, gy, g);
    rt.begin();
    const threads = threadsFor(rt, p.flops);
    const geom = writeGeometry(rt, g, p);
    const px = placeDense(rt, x);
    const pdy = placeDense(rt, gy);
    rt.alloc(16); // the direct kernel's masked last vector may read up to 3 floats past dY
    const size = p.O * p.rows;
    const call: WeightGradientCall = { geom, x: px, dy: pdy, batch: p.batch, channels: p.C, outChannels: p.O, g, threads };
    if (isWholeInput(g)) return storageOf(wholeInputWeightGradient(rt, call), 'float32');
    if (isWinogradWeight(g, p.batch, p.C, p.O)) return storageOf(winogradWeightGradient(rt, call), 'float32');
    if (isDirectWeightGradient(g, p.O) && !p.pointwise) return storageOf(directWeightGradient(rt, call), 'float32');
    if (p.batch >= threads) {
      // each thread sums its images into its own dW; the partial sums are added here
      const partial = Array.from({ length: Math.min(threads, p.batch) }, () => rt.alloc(4 * size));
      byImage('convBackwardWeight', p, g.groups, threads, (n0, n1, s) => [geom, n0, n1, px, pdy, partial[s.t], s.cols, s.work]);
      const dw = rt.take(partial[0], size);
      for (const ptr of partial.slice(1)) {
        const part = rt.view(ptr, size);
        for (let i = 0; i < size; i++) dw[i] += part[i];
      }
      return storageOf(dw, 'float32');
    }
    const dw = rt.alloc(4 * size);
    const cols = rt.alloc(colsBytes(p, g.groups));
    const scratch = gemmScratch(rt, threads);
    for (let n = 0; n < p.batch; n++) {
      const xn = px + 4 * n * p.C * p.planeIn;
      if (!p.pointwise) byChannel('im2col', geom, xn, cols, p, threads);
      const src = p.pointwise ? xn : cols;
      for (let grp = 0; grp < g.groups; grp++) {
        gemm(rt, {
          batch: 1, m: p.og, n: p.rows, k: p.L,
          a: pdy + 4 * (n * p.O + grp * p.og) * p.L, aStrides: [0, p.L, 1],
          b: src + 4 * grp * p.rows * p.L, bStrides: [0, 1, p.L], // X̂ᵀ
          c: dw + 4 * grp * p.og * p.rows, cStrides: [0, p.rows], accumulate: n > 0,
        }, scratch);
      }
    }
    return output(rt, dw, size);
  }

  return { conv, convBackwardInput, convBackwardWeight };
}

/**
 * Winograd F(2×2, 3×3) for 3×3 stride-1 convolutions (the bulk of ResNet and VGG): 16 multiplies per 2×2
 * output tile and channel pair instead of 36. The filters are transformed once per weight version (U = G g Gᵀ,
 * cached by weight-cache.ts, or per call where the cache declines), then the
 * input transform, the 16 products U[ξ]·V[ξ] on the GEMM micro-kernel and the output transform run fused over
 * chunks of tiles (all in WebAssembly: tools/wasm/wat/winograd.ts). Errors stay at float32 rounding: the
 * transforms only add, subtract and halve.
 */
import type { ConvGeometry } from '../conv-kernels.js';
import { GEMM_SHAPE } from './gemm-shape.js';
import { splitRange } from './matmul.js';
import type { WasmRuntime } from './runtime.js';

/**
 * Below this many output tiles per call the filter transform (every filter, every call: 16 floats out per 9 in)
 * costs more than the GEMM work Winograd saves. Measured at batch 1 on ResNet-18's stages: 14×14 (49 tiles,
 * 256 channels) 3.6 ms against 5.4 ms for im2col, 7×7 (16 tiles, 512 channels) 7.6 against 7.4 ms.
 */
export const WINOGRAD_MIN_TILES = 32;

/** Where F(2×2, 3×3) applies and pays: 2-D, 3×3, stride and dilation 1, one group, enough channels and tiles. */
export function isWinograd(g: ConvGeometry, batch: number, channels: number, outChannels: number): boolean {
  const flat = g.inSize[0] === 1 && g.kernelSize[0] === 1 && g.outSize[0] === 1;
  const k3 = g.kernelSize[1] === 3 && g.kernelSize[2] === 3;
  const unit = [1, 2].every((d) => g.stride[d] === 1 && g.dilation[d] === 1);
  const tiles = batch * Math.ceil(g.outSize[1] / 2) * Math.ceil(g.outSize[2] / 2);
  return flat && k3 && unit && g.groups === 1 && channels >= 8 && outChannels >= 8 && tiles >= WINOGRAD_MIN_TILES;
}

/** O rounded up to whole micro-kernel row panels. */
const paddedRows = (outChannels: number): number => Math.ceil(outChannels / GEMM_SHAPE.mr) * GEMM_SHAPE.mr;

/**
 * Tiles per chunk for a thread's share of `share` tiles: at most as many whole NR-tile panels as keep the chunk's
 * V (16·C·nt floats) within CHUNK_BYTES, so it stays in L2 while every MR-row panel of U passes over it, and the
 * share cut into chunks of equal size. All of U is read once per chunk, so big U (512 channels: 16 MB) wants
 * big chunks.
 */
export function chunkTiles(channels: number, share: number): number {
  const { nr } = GEMM_SHAPE;
  const most = nr * Math.max(1, Math.min(MAX_CHUNK_PANELS, Math.floor(CHUNK_BYTES / (4 * 16 * channels * nr))));
  const chunks = Math.ceil(share / most);
  return Math.ceil(share / chunks / nr) * nr;
}
/** Half of this machine's 2 MB L2, and a cap that leaves several chunks per thread on big images (measured). */
const CHUNK_BYTES = 512 * 1024;
const MAX_CHUNK_PANELS = 64;

/** One thread's scratch: a chunk's V panels (16·C·nt floats) and one M block (16·MR·nt floats). */
const scratchBytes = (channels: number, nt: number): number => 4 * 16 * nt * (channels + GEMM_SHAPE.mr);

export interface WinogradCall {
  geom: number;
  batch: number;
  channels: number;
  outChannels: number;
  g: ConvGeometry;
  /** input, bias (0 for none), output */
  x: number;
  bias: number;
  y: number;
  threads: number;
}

/**
 * The tile grid the WebAssembly kernels walk (tools/wasm/wat/winograd.ts computes the same): tH rows of tW
 * tiles per image, tW rounded up to a multiple of 4 so the transforms take whole groups of four tiles, and the
 * zero-bordered input plane (Hp × Wp, rows rounded up to whole vectors) every tile of that grid reads inside.
 */
export function paddedGrid(g: ConvGeometry): { tH: number; tW: number; Hp: number; Wp: number } {
  const tH = Math.ceil(g.outSize[1] / 2);
  const tW = Math.ceil(g.outSize[2] / 8) * 4;
  return { tH, tW, Hp: 2 * tH + 2, Wp: 2 * tW + 4 };
}

/** Bytes of the transformed filters U of O filters over C channels (16 panels of whole micro-kernel rows). */
export const winogradFilterBytes = (outChannels: number, channels: number): number => 4 * 16 * paddedRows(outChannels) * channels;

/** U = G g Gᵀ of the placed weights `w` into `u`, the panels split across `threads`. */
export function winogradFilters(rt: WasmRuntime, w: number, u: number, outChannels: number, channels: number, transposed: boolean, threads: number): void {
  const [O, C] = [outChannels, channels];
  const [so, sc] = transposed ? [1, O] : [C, 1];
  const panels = paddedRows(O) / GEMM_SHAPE.mr;
  rt.run('winogradFilters', splitRange(panels, threads, 1).map(([p0, n]) => [w, u, O, C, so, sc, transposed ? 1 : 0, p0, p0 + n]));
}

/** Pads the input, then runs the fused pipeline with each thread on its own chunks of tiles over the filters `u`. */
export function winogradConv(rt: WasmRuntime, c: WinogradCall, u: number): void {
  const C = c.channels;
  const { tH, tW, Hp, Wp } = paddedGrid(c.g);
  const tiles = c.batch * tH * tW;
  const ranges = splitRange(tiles, c.threads, GEMM_SHAPE.nr);
  const nt = chunkTiles(C, ranges[0][1]);
  const xp = rt.alloc(4 * c.batch * C * Hp * Wp);
  const work = ranges.map(() => rt.alloc(scratchBytes(C, nt)));
  rt.run('winogradPad', splitRange(c.batch * C, c.threads, 1).map(([p0, n]) => [c.geom, c.x, xp, p0, p0 + n]));
  rt.run('winogradConv', ranges.map(([t0, n], t) => [c.geom, xp, u, c.bias, c.y, t0, t0 + n, nt, work[t]]));
}

/**
 * The input gradient of a stride-1 3×3 convolution is itself a stride-1 3×3 convolution: dY correlated with the
 * filters flipped in space and transposed (O and C swapped), with padding 2 − p before each dim. Its geometry,
 * or null where that padding would be negative (p > 2).
 */
export function transposedGeometry(g: ConvGeometry): ConvGeometry | null {
  const padBefore = g.padBefore.map((p, d) => (d === 0 ? 0 : g.kernelSize[d] - 1 - p)) as [number, number, number];
  if (padBefore.some((p) => p < 0)) return null;
  return { ...g, inSize: g.outSize, outSize: g.inSize, padBefore };
}

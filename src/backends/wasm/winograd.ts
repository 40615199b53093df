/**
 * Winograd F(2×2, 3×3) for 3×3 stride-1 convolutions (the bulk of ResNet and VGG): 16 multiplies per 2×2
 * output tile and channel pair instead of 36. The weights are transformed here (U = G g Gᵀ); the input transform,
 * the 16 products U[ξ]·V[ξ] on the GEMM micro-kernel and the output transform run fused in WebAssembly over
 * chunks of tiles (tools/wasm/wat/winograd.ts). Errors stay at float32 rounding: the transforms only add,
 * subtract and halve.
 */
import type { ConvGeometry } from '../conv-kernels.js';
import { GEMM_SHAPE } from './gemm-shape.js';
import { splitRange } from './matmul.js';
import type { WasmRuntime } from './runtime.js';

/**
 * Below this many output tiles per call the filter transform (every filter, every call) costs more than the
 * GEMM work Winograd saves: ResNet-18's 7×7 stage at batch 1 (16 tiles) ran 10× slower with it (measured).
 */
export const WINOGRAD_MIN_TILES = 256;

/** Where F(2×2, 3×3) applies and pays: 2-D, 3×3, stride and dilation 1, one group, enough channels and tiles. */
export function isWinograd(g: ConvGeometry, batch: number, channels: number, outChannels: number): boolean {
  const flat = g.inSize[0] === 1 && g.kernelSize[0] === 1 && g.outSize[0] === 1;
  const k3 = g.kernelSize[1] === 3 && g.kernelSize[2] === 3;
  const unit = [1, 2].every((d) => g.stride[d] === 1 && g.dilation[d] === 1);
  const tiles = batch * Math.ceil(g.outSize[1] / 2) * Math.ceil(g.outSize[2] / 2);
  return flat && k3 && unit && g.groups === 1 && channels >= 8 && outChannels >= 8 && tiles >= WINOGRAD_MIN_TILES;
}

/**
 * U[ξ] = (G g Gᵀ)[ξ] for every 3×3 filter g = w[o][c], G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1], written in the GEMM's
 * packed-A layout: per ξ, MR-row panels of the O × C matrix (O rounded up to MR, the extra rows zero), each
 * panel stored k-major, so the micro-kernel reads it as the GEMM reads a packed A. Written out without
 * temporaries: this runs over every filter on every call (O·C of them, 262,144 in ResNet's last stage).
 */
export function transformFilters(w: ArrayLike<number>, outChannels: number, channels: number, out: Float32Array): void {
  const { mr } = GEMM_SHAPE;
  const plane = paddedRows(outChannels) * channels;
  out.fill(0, 0, 16 * plane);
  const t = new Float64Array(12); // G·g, 4 rows × 3
  for (let o = 0, f = 0; o < outChannels; o++) {
    const panel = (o - (o % mr)) * channels + (o % mr);
    for (let c = 0; c < channels; c++, f += 9) {
      for (let j = 0; j < 3; j++) {
        const [a, b, d] = [w[f + j], w[f + 3 + j], w[f + 6 + j]];
        t[j] = a;
        t[3 + j] = (a + b + d) / 2;
        t[6 + j] = (a - b + d) / 2;
        t[9 + j] = d;
      }
      const at = panel + c * mr;
      for (let r = 0; r < 4; r++) {
        const [a, b, d] = [t[3 * r], t[3 * r + 1], t[3 * r + 2]];
        out[(4 * r) * plane + at] = a;
        out[(4 * r + 1) * plane + at] = (a + b + d) / 2;
        out[(4 * r + 2) * plane + at] = (a - b + d) / 2;
        out[(4 * r + 3) * plane + at] = d;
      }
    }
  }
}

/** O rounded up to whole micro-kernel row panels. */
const paddedRows = (outChannels: number): number => Math.ceil(outChannels / GEMM_SHAPE.mr) * GEMM_SHAPE.mr;

/**
 * Tiles per chunk: as many whole NR-tile panels as keep the chunk's V (16·C·nt floats) within ~128 KB, so V and
 * the M block stay in L2 next to U while the micro-kernel streams them; at least one panel.
 */
export function chunkTiles(channels: number): number {
  const { nr } = GEMM_SHAPE;
  return Math.max(1, Math.min(8, Math.floor(CHUNK_BYTES / (4 * 16 * channels * nr)))) * nr;
}
const CHUNK_BYTES = 128 * 1024;

/** One thread's scratch: a chunk's V panels (16·C·nt floats) and one M block (16·MR·nt floats). */
const scratchBytes = (channels: number, nt: number): number => 4 * 16 * nt * (channels + GEMM_SHAPE.mr);

export interface WinogradCall {
  geom: number;
  batch: number;
  channels: number;
  outChannels: number;
  g: ConvGeometry;
  /** the weights as JS values, the placed input, the bias (0 for none) and the output */
  weights: ArrayLike<number>;
  x: number;
  bias: number;
  y: number;
  threads: number;
}

/**
 * The tile grid the WebAssembly kernels walk (tools/wasm/wat/winograd.ts computes the same): tH rows of tW
 * tiles per image, tW rounded up to a multiple of 4 so the transforms take whole groups of four tiles, and the
 * zero-bordered input plane (Hp × Wp) every tile of that grid reads inside.
 */
export function paddedGrid(g: ConvGeometry): { tH: number; tW: number; Hp: number; Wp: number } {
  const tH = Math.ceil(g.outSize[1] / 2);
  const tW = Math.ceil(g.outSize[2] / 8) * 4;
  return { tH, tW, Hp: 2 * tH + 2, Wp: 2 * tW + 2 };
}

/** Transforms the filters here, pads the input, then runs the fused pipeline with each thread on its own chunks of tiles. */
export function winogradConv(rt: WasmRuntime, c: WinogradCall): void {
  const [O, C] = [c.outChannels, c.channels];
  const { tH, tW, Hp, Wp } = paddedGrid(c.g);
  const tiles = c.batch * tH * tW;
  const nt = chunkTiles(C);
  const xp = rt.alloc(4 * c.batch * C * Hp * Wp);
  const u = rt.alloc(4 * 16 * paddedRows(O) * C);
  const ranges = splitRange(tiles, c.threads, nt);
  const work = ranges.map(() => rt.alloc(scratchBytes(C, nt)));
  rt.run('winogradPad', splitRange(c.batch * C, c.threads, 1).map(([p0, n]) => [c.geom, c.x, xp, p0, p0 + n]));
  transformFilters(c.weights, O, C, rt.view(u, 16 * paddedRows(O) * C));
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

/** wT[c][o] = w[o][c] flipped in both spatial dims (3×3 filters). */
export function flipTranspose(w: ArrayLike<number>, outChannels: number, channels: number): Float32Array {
  const out = new Float32Array(outChannels * channels * 9);
  for (let o = 0; o < outChannels; o++) {
    for (let c = 0; c < channels; c++) {
      const from = (o * channels + c) * 9;
      const to = (c * outChannels + o) * 9;
      for (let k = 0; k < 9; k++) out[to + k] = w[from + 8 - k];
    }
  }
  return out;
}

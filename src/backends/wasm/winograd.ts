/**
 * Winograd F(2×2, 3×3) for 3×3 stride-1 convolutions (the bulk of ResNet and VGG): 16 multiplies per 2×2
 * output tile and channel pair instead of 36. The weights are transformed here (U = G g Gᵀ), the input and
 * output transforms run in WebAssembly (tools/wasm/wat/winograd.ts), and the 16 products U[ξ]·V[ξ] are one
 * batched SIMD GEMM. Errors stay at float32 rounding: the transforms only add, subtract and halve.
 */
import type { ConvGeometry } from '../conv-kernels.js';
import { gemm, gemmScratch, splitRange } from './matmul.js';
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
 * U[ξ][o][c] = (G g Gᵀ)[ξ] for every 3×3 filter g = w[o][c], G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]. Written out
 * without temporaries: this runs over every filter on every call (O·C of them, 262,144 in ResNet's last stage).
 */
export function transformFilters(w: ArrayLike<number>, outChannels: number, channels: number, out: Float32Array): void {
  const plane = outChannels * channels;
  const t = new Float64Array(12); // G·g, 4 rows × 3
  for (let o = 0, f = 0; o < outChannels; o++) {
    for (let c = 0; c < channels; c++, f += 9) {
      for (let j = 0; j < 3; j++) {
        const [a, b, d] = [w[f + j], w[f + 3 + j], w[f + 6 + j]];
        t[j] = a;
        t[3 + j] = (a + b + d) / 2;
        t[6 + j] = (a - b + d) / 2;
        t[9 + j] = d;
      }
      const at = o * channels + c;
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

export function winogradConv(rt: WasmRuntime, c: WinogradCall): void {
  const [O, C] = [c.outChannels, c.channels];
  const tiles = c.batch * Math.ceil(c.g.outSize[1] / 2) * Math.ceil(c.g.outSize[2] / 2);
  const u = rt.alloc(4 * 16 * O * C);
  const v = rt.alloc(4 * 16 * C * tiles);
  const m = rt.alloc(4 * 16 * O * tiles);
  const scratch = gemmScratch(rt, c.threads);
  transformFilters(c.weights, O, C, rt.view(u, 16 * O * C));
  rt.run('winogradInput', splitRange(C, c.threads, 1).map(([c0, n]) => [c.geom, c.x, v, c.batch, c0, c0 + n]));
  gemm(rt, {
    batch: 16, m: O, n: tiles, k: C,
    a: u, aStrides: [O * C, C, 1],
    b: v, bStrides: [C * tiles, tiles, 1],
    c: m, cStrides: [O * tiles, tiles], accumulate: false,
  }, scratch);
  rt.run('winogradOutput', splitRange(O, c.threads, 1).map(([o0, n]) => [c.geom, m, c.y, c.bias, c.batch, o0, o0 + n]));
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

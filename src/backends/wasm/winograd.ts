/**
 * Winograd F(2×2, 3×3) for 3×3 stride-1 convolutions (the bulk of ResNet and VGG): 16 multiplies per 2×2
 * output tile and channel pair instead of 36. The weights are transformed here (U = G g Gᵀ), the input and
 * output transforms run in WebAssembly (tools/wasm/wat/winograd.ts), and the 16 products U[ξ]·V[ξ] are one
 * batched SIMD GEMM. Errors stay at float32 rounding: the transforms only add, subtract and halve.
 */
import type { ConvGeometry } from '../conv-kernels.js';
import { gemm, gemmScratch, splitRange } from './matmul.js';
import type { WasmRuntime } from './runtime.js';

/** Where F(2×2, 3×3) applies and pays: 2-D, 3×3, stride and dilation 1, one group, enough channels for the GEMMs. */
export function isWinograd(g: ConvGeometry, channels: number, outChannels: number): boolean {
  const flat = g.inSize[0] === 1 && g.kernelSize[0] === 1 && g.outSize[0] === 1;
  const k3 = g.kernelSize[1] === 3 && g.kernelSize[2] === 3;
  const unit = [1, 2].every((d) => g.stride[d] === 1 && g.dilation[d] === 1);
  return flat && k3 && unit && g.groups === 1 && channels >= 8 && outChannels >= 8;
}

/** U[ξ][o][c] = (G g Gᵀ)[ξ] for every 3×3 filter g = w[o][c], G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]. */
export function transformFilters(w: ArrayLike<number>, outChannels: number, channels: number, out: Float32Array): void {
  const gRows = (a: number, b: number, c: number): number[] => [a, (a + b + c) / 2, (a - b + c) / 2, c];
  for (let o = 0; o < outChannels; o++) {
    for (let c = 0; c < channels; c++) {
      const f = (o * channels + c) * 9;
      // G·g: four rows of three, column by column
      const cols = [0, 1, 2].map((j) => gRows(w[f + j], w[f + 3 + j], w[f + 6 + j]));
      for (let r = 0; r < 4; r++) {
        const u = gRows(cols[0][r], cols[1][r], cols[2][r]); // row r of (G g) times Gᵀ
        for (let s = 0; s < 4; s++) out[((4 * r + s) * outChannels + o) * channels + c] = u[s];
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

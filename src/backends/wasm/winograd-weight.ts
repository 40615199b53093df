/**
 * The weight gradient of 3×3 stride-1 convolutions by Winograd's F(3×3, 2×2) (tools/wasm/wat/winograd-weight.ts):
 * 16 multiplies per 2×2 dY tile and channel pair instead of 36. Threads split the work units (chunks of tile rows
 * of one image), each summing its own M[ξ] [C×O]; the partial sums are added here and each filter's 4×4 M becomes
 * its 3×3 gradient, Gᵀ·M·G. The transforms only add, subtract and halve, so errors stay at float32 rounding of
 * the sums; like the forward Winograd kernel, a non-finite input spreads to all nine taps of its filter.
 */
import type { ConvGeometry } from '../conv-kernels.js';
import type { WeightGradientCall } from './conv-weight.js';
import { GEMM_SHAPE } from './gemm-shape.js';
import { splitRange } from './matmul.js';
import type { WasmRuntime } from './runtime.js';

/** Floats of V and U together per chunk (768 KiB): the chunk stays in a core's L2 between its transforms and its GEMMs. */
const CHUNK_FLOATS = 192 * 1024;

/**
 * But at least this many tiles, the GEMMs' depth (each micro-kernel call loads and stores its 4×8 block of M once):
 * with many channels the L2 budget alone left 16 tiles per chunk on VGG's 512-channel 28×28 layers, and the short
 * GEMMs made Winograd slower than im2col + GEMM. 128 was measured best when the GEMM packed its operands; fused,
 * 64 lets the [8,64,56,56] chunk stay within the 1 MiB per-core L2 (3 tile rows: 22 ms against 24.5 ms with 5).
 */
const MIN_CHUNK_TILES = 64;

/**
 * 2-D, 3×3, stride and dilation 1, one group, channels in fours each side (the transforms carry four per vector).
 * The transforms cost in proportion to C + O, the GEMMs to C·O: with 16 channels each side the direct kernel was
 * faster (1.9 vs 2.9 ms on [16,16,32,32]), at 32 about even, at 64 Winograd wins. Any width: tile rows are not
 * padded and small images share chunks, so narrow layers win too (1 thread, dW/forward time: [16,128,8,8] 1.5-1.8
 * against 2.4 for im2col + GEMM, [64,256,4,4] 1.2 against 1.5).
 */
export function isWinogradWeight(g: ConvGeometry, batch: number, channels: number, outChannels: number): boolean {
  const flat = g.inSize[0] === 1 && g.kernelSize[0] === 1 && g.outSize[0] === 1;
  const k3 = g.kernelSize[1] === 3 && g.kernelSize[2] === 3;
  const unit = [1, 2].every((d) => g.stride[d] === 1 && g.dilation[d] === 1);
  const positions = batch * g.outSize[1] * g.outSize[2];
  return flat && k3 && unit && g.groups === 1 && channels % 4 === 0 && outChannels % 4 === 0 && channels >= 32 && outChannels >= 32 && positions >= 1024;
}

/** dW [O, C, 3, 3] as a fresh array. */
export function winogradWeightGradient(rt: WasmRuntime, call: WeightGradientCall): Float32Array {
  const { batch, channels: C, outChannels: O, g } = call;
  const Op = Math.ceil(O / GEMM_SHAPE.nr) * GEMM_SHAPE.nr; // M's rows padded to whole B panels
  const tH = Math.ceil(g.outSize[1] / 2);
  const tW = Math.ceil(g.outSize[2] / 2);
  const rows = Math.min(tH, Math.max(Math.ceil(MIN_CHUNK_TILES / tW), Math.floor(CHUNK_FLOATS / (16 * (C + Op) * tW))));
  const imgs = rows < tH ? 1 : imagesPerChunk(tH * tW, C + Op, batch, call.threads);
  const units = Math.ceil(batch / imgs) * Math.ceil(tH / rows);
  const ranges = splitRange(units, call.threads, 1);
  const mFloats = 16 * C * Op;
  const partials = ranges.map(() => rt.alloc(4 * mFloats));
  for (const p of partials) rt.view(p, mFloats).fill(0);
  const chunkTiles = imgs * rows * tW;
  rt.run('winogradWeight', ranges.map(([u0, count], t) => {
    const scratch = [rt.alloc(16 * xiStride(C * chunkTiles)), rt.alloc(16 * xiStride(Op * chunkTiles)), rt.alloc(16 * (2 * rows + 2) * (2 * tW + 2))];
    return [call.geom, u0, u0 + count, call.x, call.dy, partials[t], ...scratch, rows, imgs, batch];
  }));
  const m = new Float64Array(mFloats);
  for (const p of partials) {
    const part = rt.view(p, mFloats);
    for (let i = 0; i < mFloats; i++) m[i] += part[i];
  }
  return filterGradients(m, C, O, Op);
}

/**
 * Whole small images per chunk (ResNet's 8×8 stage: 16 tiles each): enough for MIN_CHUNK_TILES, more while the
 * chunk fits CHUNK_FLOATS, but no more than leaves every thread a chunk.
 */
function imagesPerChunk(tiles: number, channels: number, batch: number, threads: number): number {
  const wanted = Math.max(Math.ceil(MIN_CHUNK_TILES / tiles), Math.floor(CHUNK_FLOATS / (16 * channels * tiles)));
  return Math.max(1, Math.min(wanted, Math.ceil(batch / threads)));
}

/** Bytes between the blocks of consecutive ξ in the kernel's V and U buffers of n floats ($xiStride there). */
const xiStride = (n: number): number => Math.ceil((4 * n) / 4096) * 4096 + 64;

/** dW[o][c] = Gᵀ·M[·][c][o]·G, G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]; M's rows are Op long. */
function filterGradients(m: Float64Array, C: number, O: number, Op: number): Float32Array {
  const dw = new Float32Array(O * C * 9);
  const plane = C * Op;
  const t = new Float64Array(12); // Gᵀ·M: 3 rows × 4
  for (let c = 0; c < C; c++) {
    for (let o = 0; o < O; o++) {
      const at = c * Op + o;
      for (let j = 0; j < 4; j++) {
        const [a, b, d, e] = [m[j * plane + at], m[(4 + j) * plane + at], m[(8 + j) * plane + at], m[(12 + j) * plane + at]];
        t[j] = a + (b + d) / 2;
        t[4 + j] = (b - d) / 2;
        t[8 + j] = (b + d) / 2 + e;
      }
      const out = (o * C + c) * 9;
      for (let r = 0; r < 3; r++) {
        const [a, b, d, e] = [t[4 * r], t[4 * r + 1], t[4 * r + 2], t[4 * r + 3]];
        dw[out + 3 * r] = a + (b + d) / 2;
        dw[out + 3 * r + 1] = (b - d) / 2;
        dw[out + 3 * r + 2] = (b + d) / 2 + e;
      }
    }
  }
  return dw;
}

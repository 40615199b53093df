/** The GEMM's register and cache blocking, shared by the WebAssembly generator (tools/wasm) and the kernels that size scratch. */
export interface GemmShape {
  /** rows of the register block (one broadcast of A each per k) */
  mr: number;
  /** columns of the register block, a multiple of 4 (one f32x4 load of B each per 4 columns) */
  nr: number;
  /** cache blocking: an MC×KC block of A stays in L2, a KC×NR panel of B in L1 */
  mc: number;
  kc: number;
  nc: number;
}

/**
 * 4×8 keeps 8 accumulators, 2 B vectors and a broadcast in V8's 16 SIMD registers; at 5×8 and above V8
 * spills and a 6×8 kernel ran at half the speed (measured on 1024³).
 */
export const GEMM_SHAPE: GemmShape = { mr: 4, nr: 8, mc: 128, kc: 384, nc: 1024 };

/** Scratch bytes one thread's GEMM needs: packed A, packed B and an edge tile. */
export function gemmScratchBytes(s: GemmShape = GEMM_SHAPE): number {
  return 4 * (s.mc * s.kc + s.kc * s.nc + s.mr * s.nr);
}

/**
 * The register blocking of the direct weight-gradient kernel, shared by its WebAssembly generator
 * (tools/wasm/wat/conv-weight.ts) and its driver (src/backends/wasm/conv-weight.ts).
 */

/** Widest kernel the direct path takes: one micro-kernel is generated per kernel width up to this. */
export const DIRECT_MAX_KW = 7;

/**
 * Output channels per micro-kernel tile, by kernel width: the tile keeps channels·kW accumulators, a dY vector
 * per channel and an input vector live in V8's 16 SIMD registers. Measured rather than derived: a 4×3 tile (17
 * live vectors) ran 7× slower than 3×3 on the 3×3 layer, and for 5×5 one channel (0.52 ms on LeNet's conv1)
 * beat two (0.83 ms) and three (0.64 ms), whose spills V8 schedules worse.
 */
const TILE_ROWS = [4, 4, 3, 2, 1, 1, 1];

export function directTileRows(kW: number): number {
  return TILE_ROWS[kW - 1];
}

/** Output rows per tile call: about 512 output positions, so the tile's dY rows stay in L1 across every tap. */
export function directChunkRows(oW: number): number {
  return Math.max(1, Math.floor(512 / (Math.ceil(oW / 4) * 4)));
}

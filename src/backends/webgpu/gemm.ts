/**
 * The tiled matrix product every dense kernel is built on: C[b] = A[b]·B[b] with A [M,K] and B [K,N] read
 * through loader functions, so matmul, linear and the three convolutions (implicit GEMM: the im2col
 * matrix is never stored, `loadB` computes each patch element's address) share one kernel shape.
 *
 * A workgroup of 8×8 invocations owns a 32×32 tile of C; each invocation keeps a 4×4 block of it in
 * registers. K advances 16 at a time through two tiles in workgroup memory, so every loaded element
 * is used 32 times. Loaders return 0 outside the matrix (edge tiles), `store` applies the epilogue.
 */
import type { GpuContext } from './context.js';
import { FLOAT_HELPERS } from './elementwise.js';
import { PRELUDE } from './wgsl.js';

export const TILE = 32;
const TK = 16;
const THREADS = 64;
const PER = TILE / 8;

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

export interface GemmShader {
  /** Extra bindings from 1 up (binding 0 is meta, whose first four values are M, N, K, batch). */
  decls: string;
  /** `fn loadA(b: i32, m: i32, k: i32) -> T`, returning 0 outside [M, K]. */
  loadA: string;
  /** `fn loadB(b: i32, k: i32, n: i32) -> T`, returning 0 outside [K, N]. */
  loadB: string;
  /** `fn store(b: i32, m: i32, n: i32, v: T)`, only called inside [M, N]. */
  store: string;
  helpers?: string;
  type?: 'f32' | 'i32';
  /**
   * Split-K: WGSL expressions for the number of K chunks and their length (a multiple of 16). Workgroup batch b
   * then covers chunk b % splits of product b / splits; loaders get the product index, `store` the combined b,
   * so it can write partial sums [product][split][M][N] for a reduction to add up.
   */
  split?: { count: string; chunk: string };
}

export function gemmCode(s: GemmShader): string {
  const T = s.type ?? 'f32';
  return `${PRELUDE}
${FLOAT_HELPERS}
${s.decls}
${s.helpers ?? ''}
${s.loadA}
${s.loadB}
${s.store}
fn put(b: i32, M: i32, N: i32, m: i32, n: i32, v: ${T}) { if (m < M && n < N) { store(b, m, n, v); } }
var<workgroup> As: array<array<${T}, ${TILE}>, ${TK}>;
var<workgroup> Bs: array<array<${T}, ${TILE}>, ${TK}>;
@compute @workgroup_size(${THREADS})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) li: u32) {
  let M = prm[0];
  let N = prm[1];
  let K = prm[2];
  let tilesN = (N + ${TILE - 1}) / ${TILE};
  let tilesM = (M + ${TILE - 1}) / ${TILE};
  let id = i32(wg.y * nwg.x + wg.x);
  let b = id / (tilesN * tilesM);
  if (b >= prm[3]) { return; }
  ${s.split ? `let bp = b / (${s.split.count}); let kBegin = (b % (${s.split.count})) * (${s.split.chunk}); let kEnd = min(K, kBegin + (${s.split.chunk}));` : 'let bp = b; let kBegin = 0; let kEnd = K;'}
  let m0 = ((id / tilesN) % tilesM) * ${TILE};
  let n0 = (id % tilesN) * ${TILE};
  let tx = i32(li % 8u);
  let ty = i32(li / 8u);
  ${range(PER * PER).map((r) => `var c${r}: ${T} = ${T}(0);`).join(' ')}
  for (var k0 = kBegin; k0 < kEnd; k0 += ${TK}) {
    for (var e = i32(li); e < ${TILE * TK}; e += ${THREADS}) {
      let kk = e % ${TK};
      let r = e / ${TK};
      As[kk][r] = loadA(bp, m0 + r, k0 + kk);
      Bs[e / ${TILE}][e % ${TILE}] = loadB(bp, k0 + e / ${TILE}, n0 + e % ${TILE});
    }
    workgroupBarrier();
    for (var kk = 0; kk < ${TK}; kk++) {
      ${range(PER).map((i) => `let a${i} = As[kk][ty * ${PER} + ${i}];`).join(' ')}
      ${range(PER).map((j) => `let b${j} = Bs[kk][tx * ${PER} + ${j}];`).join(' ')}
      ${range(PER * PER).map((r) => `c${r} += a${Math.floor(r / PER)} * b${r % PER};`).join('\n      ')}
    }
    workgroupBarrier();
  }
  ${range(PER * PER).map((r) => `put(b, M, N, m0 + ty * ${PER} + ${Math.floor(r / PER)}, n0 + tx * ${PER} + ${r % PER}, c${r});`).join('\n  ')}
}`;
}

/** Records a GEMM of `batch` products of [M,K]·[K,N]; `meta` starts with M, N, K, batch. */
export function runGemm(ctx: GpuContext, op: string, code: string, meta: readonly number[], buffers: readonly GPUBuffer[]): void {
  const [M, N, , batch] = meta;
  const groups = Math.ceil(M / TILE) * Math.ceil(N / TILE) * batch;
  ctx.dispatch(op, code, [ctx.meta(meta), ...buffers], groups);
}

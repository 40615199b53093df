/**
 * The tiled matrix product every dense kernel is built on: C[b] = A[b]·B[b] with A [M,K] and B [K,N] read
 * through loader functions, so matmul, linear and the three convolutions (implicit GEMM: the im2col
 * matrix is never stored, `loadB` computes each patch element's address) share one kernel shape.
 *
 * A workgroup of 8×8 invocations owns a 32×32 tile of C; each invocation keeps a 4×4 block of it in four vec4
 * registers. K advances 16 at a time through two tiles in workgroup memory held as vec4 (an invocation reads its
 * four A and four B values of a k in two loads), so every loaded element is used 32 times. Bounds checks live
 * here, not in the loaders, and only edge tiles pay for them: a workgroup whose 32×32 tile lies inside C, at a k
 * step inside K, stages without checks and stores without checks. Where an operand's elements are consecutive
 * in memory along one index, its vector loader stages four of them per load (vec4 global reads).
 */
import type { GpuContext } from './context.js';
import { FLOAT_HELPERS } from './elementwise.js';
import { PRELUDE } from './wgsl.js';

export const TILE = 32;
const TK = 16;
const THREADS = 64;

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

export interface GemmShader {
  /** Extra bindings from 1 up (binding 0 is meta, whose first four values are M, N, K, batch). */
  decls: string;
  /** `fn loadA(b: i32, m: i32, k: i32) -> T`, called only inside [M, K]. */
  loadA: string;
  /** `fn loadB(b: i32, k: i32, n: i32) -> T`, called only inside [K, N]. */
  loadB: string;
  /** `fn store(b: i32, m: i32, n: i32, v: T)`, only called inside [M, N]: the epilogue (bias, activation). */
  store: string;
  /** Optional `fn loadA4(b: i32, m: i32, k: i32) -> vec4<T>`: A[m, k..k+3], called for interior tiles only. */
  loadA4?: string;
  /** Optional `fn loadB4(b: i32, k: i32, n: i32) -> vec4<T>`: B[k, n..n+3] (along 'n') or B[k..k+3, n] (along 'k'). */
  loadB4?: { along: 'n' | 'k'; code: string };
  helpers?: string;
  type?: 'f32' | 'i32';
  /**
   * Split-K: WGSL expressions for the number of K chunks and their length (a multiple of 16). Workgroup batch b
   * then covers chunk b % splits of product b / splits; loaders get the product index, `store` the combined b,
   * so it can write partial sums [product][split][M][N] for a reduction to add up.
   */
  split?: { count: string; chunk: string };
}

/** Edge-tile staging of the 32×16 A tile and 16×32 B tile, one element per load, 0 outside the matrix. */
function checkedStaging(T: string): string {
  return `for (var e = i32(li); e < ${TILE * TK}; e += ${THREADS}) {
        let kk = e % ${TK};
        let r = e / ${TK};
        var va = ${T}(0);
        if (m0 + r < M && k0 + kk < K) { va = loadA(bp, m0 + r, k0 + kk); }
        As[kk][r / 4][r % 4] = va;
        let bk = e / ${TILE};
        let bn = e % ${TILE};
        var vb = ${T}(0);
        if (k0 + bk < K && n0 + bn < N) { vb = loadB(bp, k0 + bk, n0 + bn); }
        Bs[bk][bn / 4][bn % 4] = vb;
      }`;
}

/** Interior staging through the vector loaders where given (two vec4 per invocation per tile). */
function vectorStaging(s: GemmShader): string {
  const a = s.loadA4
    ? `for (var e = i32(li); e < ${(TILE * TK) / 4}; e += ${THREADS}) {
        let r = e / ${TK / 4};
        let kq = (e % ${TK / 4}) * 4;
        let v = loadA4(bp, m0 + r, k0 + kq);
        As[kq][r / 4][r % 4] = v.x; As[kq + 1][r / 4][r % 4] = v.y; As[kq + 2][r / 4][r % 4] = v.z; As[kq + 3][r / 4][r % 4] = v.w;
      }`
    : `for (var e = i32(li); e < ${TILE * TK}; e += ${THREADS}) { let kk = e % ${TK}; let r = e / ${TK}; As[kk][r / 4][r % 4] = loadA(bp, m0 + r, k0 + kk); }`;
  let b = `for (var e = i32(li); e < ${TILE * TK}; e += ${THREADS}) { let bk = e / ${TILE}; let bn = e % ${TILE}; Bs[bk][bn / 4][bn % 4] = loadB(bp, k0 + bk, n0 + bn); }`;
  if (s.loadB4?.along === 'n') {
    b = `for (var e = i32(li); e < ${(TILE * TK) / 4}; e += ${THREADS}) { let bk = e / ${TILE / 4}; let nq = e % ${TILE / 4}; Bs[bk][nq] = loadB4(bp, k0 + bk, n0 + nq * 4); }`;
  } else if (s.loadB4?.along === 'k') {
    b = `for (var e = i32(li); e < ${(TILE * TK) / 4}; e += ${THREADS}) {
        let bn = e / ${TK / 4};
        let kq = (e % ${TK / 4}) * 4;
        let v = loadB4(bp, k0 + kq, n0 + bn);
        Bs[kq][bn / 4][bn % 4] = v.x; Bs[kq + 1][bn / 4][bn % 4] = v.y; Bs[kq + 2][bn / 4][bn % 4] = v.z; Bs[kq + 3][bn / 4][bn % 4] = v.w;
      }`;
  }
  return `${a}\n      ${b}`;
}

export function gemmCode(s: GemmShader): string {
  const T = s.type ?? 'f32';
  const rows = range(4);
  const lanes = ['x', 'y', 'z', 'w'];
  return `${PRELUDE}
${FLOAT_HELPERS}
${s.decls}
${s.helpers ?? ''}
${s.loadA}
${s.loadB}
${s.loadA4 ?? ''}
${s.loadB4?.code ?? ''}
${s.store}
var<workgroup> As: array<array<vec4<${T}>, ${TILE / 4}>, ${TK}>;
var<workgroup> Bs: array<array<vec4<${T}>, ${TILE / 4}>, ${TK}>;
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
  let inside = m0 + ${TILE} <= M && n0 + ${TILE} <= N;
  let tx = i32(li % 8u);
  let ty = i32(li / 8u);
  ${rows.map((i) => `var c${i} = vec4<${T}>(${T}(0));`).join(' ')}
  for (var k0 = kBegin; k0 < kEnd; k0 += ${TK}) {
    if (inside && k0 + ${TK} <= K) {
      ${vectorStaging(s)}
    } else {
      ${checkedStaging(T)}
    }
    workgroupBarrier();
    for (var kk = 0; kk < ${TK}; kk++) {
      let a = As[kk][ty];
      let bv = Bs[kk][tx];
      ${rows.map((i) => `c${i} += a.${lanes[i]} * bv;`).join(' ')}
    }
    workgroupBarrier();
  }
  let mr = m0 + ty * 4;
  let nc = n0 + tx * 4;
  if (inside) {
    ${rows.map((i) => lanes.map((l, j) => `store(b, mr + ${i}, nc + ${j}, c${i}.${l});`).join(' ')).join('\n    ')}
  } else {
    ${rows.map((i) => lanes.map((l, j) => `if (mr + ${i} < M && nc + ${j} < N) { store(b, mr + ${i}, nc + ${j}, c${i}.${l}); }`).join(' ')).join('\n    ')}
  }
}`;
}

/** Records a GEMM of `batch` products of [M,K]·[K,N]; `meta` starts with M, N, K, batch. */
export function runGemm(ctx: GpuContext, op: string, code: string, meta: readonly number[], buffers: readonly GPUBuffer[]): void {
  const [M, N, , batch] = meta;
  const groups = Math.ceil(M / TILE) * Math.ceil(N / TILE) * batch;
  ctx.dispatch(op, code, [ctx.meta(meta), ...buffers], groups);
}

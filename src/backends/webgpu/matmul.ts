/**
 * matmul and linear: the tiled GEMM with strided loaders (transposed and broadcast operands need no copy). An
 * operand whose elements run consecutively along the GEMM's inner index, at addresses that are multiples of 4,
 * is bound as vec4 and staged four elements per load on interior tiles (a shader variant per operand layout).
 */
import type { DType } from '../../core/dtype.js';
import type { EpilogueActivation, Storage, View } from '../backend.js';
import type { GpuContext } from './context.js';
import { gemmCode, runGemm } from './gemm.js';
import { bufferOf, GpuStorage } from './storage.js';
import { epilogue, wgslType } from './wgsl.js';

/** Whether elements [.., i..i+3] along the dim of stride 1 start at multiples of 4 for every other index. */
export function vec4Aligned(offset: number, unitStride: number, otherStrides: readonly number[]): boolean {
  return unitStride === 1 && offset % 4 === 0 && otherStrides.every((s) => s % 4 === 0);
}

/** A binding and its element read: `name` as array<T> or, vectorised, as array<vec4<T>> read one lane at a time. */
function operand(binding: number, name: string, t: string, vec: boolean): { decl: string; at: (i: string) => string } {
  if (!vec) return { decl: `@group(0) @binding(${binding}) var<storage, read> ${name}: array<${t}>;`, at: (i) => `${name}[${i}]` };
  return { decl: `@group(0) @binding(${binding}) var<storage, read> ${name}: array<vec4<${t}>>;`, at: (i) => `${name}[(${i}) / 4][(${i}) % 4]` };
}

function matmulCode(t: 'f32' | 'i32', outType: string, vecA: boolean, vecB: boolean): string {
  const A = operand(2, 'A', t, vecA);
  const B = operand(3, 'B', t, vecB);
  const aAt = 'prm[4] + b * prm[5] + m * prm[6] + k * prm[7]';
  const bAt = 'prm[8] + b * prm[9] + k * prm[10] + n * prm[11]';
  return gemmCode({
    type: t,
    decls: `@group(0) @binding(1) var<storage, read_write> out: array<${outType}>;\n${A.decl}\n${B.decl}`,
    loadA: `fn loadA(b: i32, m: i32, k: i32) -> ${t} { return ${A.at(aAt)}; }`,
    loadB: `fn loadB(b: i32, k: i32, n: i32) -> ${t} { return ${B.at(bAt)}; }`,
    loadA4: vecA ? `fn loadA4(b: i32, m: i32, k: i32) -> vec4<${t}> { return A[(${aAt}) / 4]; }` : undefined,
    loadB4: vecB ? { along: 'n', code: `fn loadB4(b: i32, k: i32, n: i32) -> vec4<${t}> { return B[(${bAt}) / 4]; }` } : undefined,
    store: `fn store(b: i32, m: i32, n: i32, v: ${t}) { out[(b * prm[0] + m) * prm[1] + n] = ${outType}(v); }`,
  });
}

function linearCode(bias: boolean, vecX: boolean, vecW: boolean, activation: EpilogueActivation | null): string {
  const X = operand(2, 'X', 'f32', vecX);
  const W = operand(3, 'W', 'f32', vecW);
  const xAt = 'prm[4] + m * prm[5] + k * prm[6]';
  const wAt = 'prm[7] + n * prm[8] + k * prm[9]';
  return gemmCode({
    decls: `@group(0) @binding(1) var<storage, read_write> out: array<f32>;\n${X.decl}\n${W.decl}
${bias ? '@group(0) @binding(4) var<storage, read> bias: array<f32>;' : ''}`,
    loadA: `fn loadA(b: i32, m: i32, k: i32) -> f32 { return ${X.at(xAt)}; }`,
    loadB: `fn loadB(b: i32, k: i32, n: i32) -> f32 { return ${W.at(wAt)}; }`,
    loadA4: vecX ? `fn loadA4(b: i32, m: i32, k: i32) -> vec4<f32> { return X[(${xAt}) / 4]; }` : undefined,
    loadB4: vecW ? { along: 'k', code: `fn loadB4(b: i32, k: i32, n: i32) -> vec4<f32> { return W[(${wAt}) / 4]; }` } : undefined,
    store: `fn store(b: i32, m: i32, n: i32, v: f32) { ${epilogue(`v${bias ? ' + bias[prm[10] + n * prm[11]]' : ''}`, activation)} out[m * prm[1] + n] = r; }`,
  });
}

export function matmulKernels(ctx: GpuContext) {
  /** x · weightᵀ + bias, through `activation` in the epilogue when given. */
  function linear(x: View, weight: View, bias: View | null, outDtype: DType, activation: EpilogueActivation | null): Storage {
    const [M, K] = x.shape;
    const N = weight.shape[0];
    wgslType(x.dtype, 'linear');
    const out = new GpuStorage(ctx, ctx.pool.acquire(M * N * 4), outDtype, M * N);
    const meta = [M, N, K, 1, x.offset, ...x.strides, weight.offset, ...weight.strides, bias?.offset ?? 0, bias?.strides[0] ?? 0];
    const buffers = [out.buffer, bufferOf(x, 'linear'), bufferOf(weight, 'linear'), ...(bias ? [bufferOf(bias, 'linear')] : [])];
    const vecX = vec4Aligned(x.offset, x.strides[1], [x.strides[0]]);
    const vecW = vec4Aligned(weight.offset, weight.strides[1], [weight.strides[0]]);
    runGemm(ctx, 'linear', linearCode(!!bias, vecX, vecW, activation), meta, buffers);
    return out;
  }
  return {
    matmul(a: View, b: View, outDtype: DType): Storage {
      const [batch, M, K] = a.shape;
      const N = b.shape[2];
      const t = wgslType(a.dtype, 'matmul');
      const out = new GpuStorage(ctx, ctx.pool.acquire(batch * M * N * 4), outDtype, batch * M * N);
      const meta = [M, N, K, batch, a.offset, ...a.strides, b.offset, ...b.strides];
      const vecA = vec4Aligned(a.offset, a.strides[2], [a.strides[0], a.strides[1]]);
      const vecB = vec4Aligned(b.offset, b.strides[2], [b.strides[0], b.strides[1]]);
      runGemm(ctx, 'matmul', matmulCode(t, wgslType(outDtype, 'matmul'), vecA, vecB), meta, [out.buffer, bufferOf(a, 'matmul'), bufferOf(b, 'matmul')]);
      return out;
    },
    linear: (x: View, weight: View, bias: View | null, outDtype: DType): Storage => linear(x, weight, bias, outDtype, null),
    linearActivation: (x: View, weight: View, bias: View | null, outDtype: DType, activation: EpilogueActivation): Storage => linear(x, weight, bias, outDtype, activation),
  };
}

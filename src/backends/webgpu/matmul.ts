/** matmul and linear: the tiled GEMM with strided loaders (transposed and broadcast operands need no copy). */
import type { DType } from '../../core/dtype.js';
import type { Storage, View } from '../backend.js';
import type { GpuContext } from './context.js';
import { gemmCode, runGemm } from './gemm.js';
import { bufferOf, GpuStorage } from './storage.js';
import { wgslType } from './wgsl.js';

function matmulCode(t: 'f32' | 'i32', outType: string): string {
  return gemmCode({
    type: t,
    decls: `@group(0) @binding(1) var<storage, read_write> out: array<${outType}>;
@group(0) @binding(2) var<storage, read> A: array<${t}>;
@group(0) @binding(3) var<storage, read> B: array<${t}>;`,
    loadA: `fn loadA(b: i32, m: i32, k: i32) -> ${t} {
  if (m >= prm[0] || k >= prm[2]) { return ${t}(0); }
  return A[prm[4] + b * prm[5] + m * prm[6] + k * prm[7]];
}`,
    loadB: `fn loadB(b: i32, k: i32, n: i32) -> ${t} {
  if (k >= prm[2] || n >= prm[1]) { return ${t}(0); }
  return B[prm[8] + b * prm[9] + k * prm[10] + n * prm[11]];
}`,
    store: `fn store(b: i32, m: i32, n: i32, v: ${t}) { out[(b * prm[0] + m) * prm[1] + n] = ${outType}(v); }`,
  });
}

function linearCode(bias: boolean): string {
  return gemmCode({
    decls: `@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> X: array<f32>;
@group(0) @binding(3) var<storage, read> W: array<f32>;
${bias ? '@group(0) @binding(4) var<storage, read> bias: array<f32>;' : ''}`,
    loadA: `fn loadA(b: i32, m: i32, k: i32) -> f32 {
  if (m >= prm[0] || k >= prm[2]) { return 0.0; }
  return X[prm[4] + m * prm[5] + k * prm[6]];
}`,
    loadB: `fn loadB(b: i32, k: i32, n: i32) -> f32 {
  if (k >= prm[2] || n >= prm[1]) { return 0.0; }
  return W[prm[7] + n * prm[8] + k * prm[9]];
}`,
    store: `fn store(b: i32, m: i32, n: i32, v: f32) { out[m * prm[1] + n] = v${bias ? ' + bias[prm[10] + n * prm[11]]' : ''}; }`,
  });
}

export function matmulKernels(ctx: GpuContext) {
  return {
    matmul(a: View, b: View, outDtype: DType): Storage {
      const [batch, M, K] = a.shape;
      const N = b.shape[2];
      const t = wgslType(a.dtype, 'matmul');
      const out = new GpuStorage(ctx, ctx.pool.acquire(batch * M * N * 4), outDtype, batch * M * N);
      const meta = [M, N, K, batch, a.offset, ...a.strides, b.offset, ...b.strides];
      runGemm(ctx, 'matmul', matmulCode(t, wgslType(outDtype, 'matmul')), meta, [out.buffer, bufferOf(a, 'matmul'), bufferOf(b, 'matmul')]);
      return out;
    },
    linear(x: View, weight: View, bias: View | null, outDtype: DType): Storage {
      const [M, K] = x.shape;
      const N = weight.shape[0];
      wgslType(x.dtype, 'linear');
      const out = new GpuStorage(ctx, ctx.pool.acquire(M * N * 4), outDtype, M * N);
      const meta = [M, N, K, 1, x.offset, ...x.strides, weight.offset, ...weight.strides, bias?.offset ?? 0, bias?.strides[0] ?? 0];
      const buffers = [out.buffer, bufferOf(x, 'linear'), bufferOf(weight, 'linear'), ...(bias ? [bufferOf(bias, 'linear')] : [])];
      runGemm(ctx, 'linear', linearCode(!!bias), meta, buffers);
      return out;
    },
  };
}

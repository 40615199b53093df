/** Copies, fills, in-place writes and the small fused elementwise kernels (activation gradients, channel affine). */
import type { DType } from '../../core/dtype.js';
import { contiguousStrides, numel } from '../../core/shape.js';
import type { ActivationGrad } from '../backend.js';
import type { Storage, View } from '../backend.js';
import type { GpuContext } from './context.js';
import { computeType, mapKernel } from './map.js';
import { bufferOf, GpuStorage, gpuStorage } from './storage.js';
import { groupsFor, layout, MAIN_1D, metaWith, PRELUDE, wgslType } from './wgsl.js';

/** Each gradient from the output gradient g, the saved tensor s and the parameter p (a WGSL literal). */
const ACTIVATION_GRAD: Record<ActivationGrad, (p: string) => string> = {
  threshold: (p) => `select(g, 0.0, s <= ${p})`,
  leakyRelu: (p) => `select(g * ${p}, g, s > 0.0)`,
  sigmoid: () => 'g * (1.0 - s) * s',
  tanh: () => 'g * (1.0 - s * s)',
};

function isDense(v: View): boolean {
  const l = layout(v);
  return l[0] === 0;
}

/** A scalar as WGSL source in the given type (bit-exact for f32, NaN and infinities included). */
function literal(value: number, type: 'f32' | 'i32'): string {
  if (type === 'i32') return `i32(${Math.trunc(value) | 0})`;
  const bits = new Uint32Array(new Float32Array([value]).buffer)[0];
  return `bitcast<f32>(${bits}u)`;
}

export function dataKernels(ctx: GpuContext) {
  /** src into the dense or strided window dst (with dst += src when accumulating), through a temporary when they share storage. */
  function assign(dst: View, src: View, accumulate: boolean): void {
    const source = src.storage === dst.storage ? { ...src, storage: copy(src, src.dtype), strides: contiguousStrides(src.shape), offset: 0 } : src;
    const t = computeType(dst.dtype, 'assign');
    const value = dst.dtype === 'bool' ? `select(0, 1, v != ${computeType(source.dtype, 'assign') === 'f32' ? '0.0' : '0'})` : `${t}(v)`;
    const outType = wgslType(dst.dtype, 'assign');
    const code = `${PRELUDE}
@group(0) @binding(1) var<storage, read_write> out: array<${outType}>;
@group(0) @binding(2) var<storage, read> src: array<${wgslType(source.dtype, 'assign')}>;
fn body(i: i32) {
  let v = src[ck_at(i, prm[2])];
  let o = ck_at(i, prm[3]);
  out[o] = ${accumulate ? `out[o] + ${value}` : value};
}
${MAIN_1D}`;
    const n = numel(dst.shape);
    const meta = metaWith([n, 0], [layout({ ...source, shape: dst.shape }), layout(dst)]);
    ctx.dispatch('assign', code, [ctx.meta(meta), bufferOf(dst, 'assign'), bufferOf(source, 'assign')], groupsFor(n));
    if (source !== src) gpuStorage(source.storage, 'assign').release();
  }

  function copy(x: View, dtype: DType): GpuStorage {
    const n = numel(x.shape);
    if (dtype === x.dtype && isDense(x)) {
      wgslType(dtype, 'copy');
      const out = new GpuStorage(ctx, ctx.pool.acquire(n * 4), dtype, n);
      ctx.copy(bufferOf(x, 'copy'), x.offset * 4, out.buffer, 0, n * 4);
      return out;
    }
    const from = computeType(x.dtype, 'copy');
    const to = computeType(dtype, 'copy');
    const expr = dtype === 'bool' ? `select(0, 1, x != ${from === 'f32' ? '0.0' : '0'})` : `${to}(x)`;
    return mapKernel(ctx, 'copy', dtype, x.shape, [{ view: x, name: 'x', as: from }], expr);
  }

  return {
    copy,
    assign,
    fill(dtype: DType, length: number, value: number): Storage {
      const t = wgslType(dtype, 'fill');
      // the value travels in the meta buffer as bits, not in the source: one pipeline serves every value (an
      // optimiser's bias corrections change each step, and each new source would be a new shader to compile)
      const code = `${PRELUDE}
@group(0) @binding(1) var<storage, read_write> out: array<${t}>;
fn body(i: i32) { out[i] = ${t === 'f32' ? 'bitcast<f32>(prm[1])' : 'prm[1]'}; }
${MAIN_1D}`;
      const bits = t === 'f32' ? new Int32Array(Float32Array.of(value).buffer)[0] : Math.trunc(value) | 0;
      const out = new GpuStorage(ctx, ctx.pool.acquire(length * 4), dtype, length);
      ctx.dispatch('fill', code, [ctx.meta([length, bits]), out.buffer], groupsFor(length));
      return out;
    },
    /** x ← alpha·x + beta·y, each product rounded to f32 as the separate ops would (no fused multiply-add). */
    scaleAdd_(x: View, alpha: number, y: View, beta: number): void {
      const shape = x.shape;
      const inputs = [{ view: x, name: 'x', as: 'f32' as const }, { view: y, name: 'y', as: 'f32' as const }];
      const sum = mapKernel(ctx, 'scaleAdd_', x.dtype, shape, inputs, `${literal(alpha, 'f32')} * x + ${literal(beta, 'f32')} * y`);
      assign(x, { storage: sum, dtype: x.dtype, shape, strides: contiguousStrides(shape), offset: 0 }, false);
      sum.release();
    },
    activationBackward(op: ActivationGrad, grad: View, saved: View, param: number, outDtype: DType): Storage {
      const inputs = [{ view: grad, name: 'g', as: 'f32' as const }, { view: saved, name: 's', as: 'f32' as const }];
      return mapKernel(ctx, `${op}Backward`, outDtype, grad.shape, inputs, ACTIVATION_GRAD[op](literal(param, 'f32')));
    },
    /** relu?(x·scale[c] + shift[c] + residual) over x [N, C, ...]: the per-channel vectors are read with stride 0 elsewhere. */
    channelAffine(x: View, scale: View, shift: View | null, residual: View | null, relu: boolean): Storage {
      const perChannel = (v: View): View => ({ ...v, shape: x.shape, strides: x.shape.map((_, d) => (d === 1 ? v.strides[0] : 0)) });
      const inputs = [{ view: x, name: 'x', as: 'f32' as const }, { view: perChannel(scale), name: 's', as: 'f32' as const }];
      let expr = 'x * s';
      if (shift) {
        inputs.push({ view: perChannel(shift), name: 't', as: 'f32' });
        expr = `(${expr}) + t`;
      }
      if (residual) {
        inputs.push({ view: residual, name: 'r', as: 'f32' });
        expr = `(${expr}) + r`;
      }
      if (relu) expr = `ck_relu(${expr})`;
      const helpers = 'fn ck_relu(v: f32) -> f32 { return select(v, 0.0, v <= 0.0); }';
      return mapKernel(ctx, 'channelAffine', x.dtype, x.shape, inputs, expr, { helpers });
    },
  };
}

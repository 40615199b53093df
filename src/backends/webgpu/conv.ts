/**
 * Convolutions as implicit GEMM on the 5-D geometry [N, C, D, H, W] (1-D and 2-D are the D = 1 cases), per
 * image n and group g (the GEMM's batch index):
 *   forward          Y[n,g] = W[g] · X̂[n,g] + bias     M = O/g, N = oD·oH·oW, K = C/g·kD·kH·kW
 *   input gradient   dX[n,g] = Wᵀ[g] · dŶ[n,g]        M = C/g, N = D·H·W,   K = O/g·kD·kH·kW
 *   weight gradient  dW[g] = Σₙ dY[n,g] · X̂[n,g]ᵀ     M = O/g, N = C/g·kD·kH·kW, K = N·oD·oH·oW
 * X̂ (the im2col matrix) and dŶ (dY spread back over input positions) are never stored: the loaders compute
 * each element's address from the geometry, returning 0 for padding and for strides that skip a position.
 */
import { numel } from '../../core/shape.js';
import type { EpilogueActivation, Storage, View } from '../backend.js';
import type { ConvGeometry } from '../conv-kernels.js';
import type { GpuContext } from './context.js';
import { GEO_WGSL, geoMeta } from './conv-geometry.js';
import { DIRECT_FORWARD, DIRECT_INPUT_GRAD, DIRECT_WEIGHT_GRAD } from './conv-direct.js';
import { planConv, type ConvPath } from './conv-plan.js';
import { patchTables, spreadTables } from './conv-tables.js';
import { gemmCode, runGemm } from './gemm.js';
import { dense } from './dense.js';
import { reduceKernels } from './reduce.js';
import { GpuStorage } from './storage.js';
import { epilogue, groupsFor, MAIN_1D, PRELUDE, wgslType } from './wgsl.js';

const at = GEO_WGSL;

/** Shared WGSL: patch element X̂[n, channel c (absolute), kernel tap kk, output position l], 0 in the padding. */
const PATCH = /* wgsl */ `
fn ck_patch(n: i32, c: i32, kk: i32, l: i32) -> f32 {
  let kw = kk % ${at('kW')}; let kh = (kk / ${at('kW')}) % ${at('kH')}; let kd = kk / (${at('kW')} * ${at('kH')});
  let ow = l % ${at('oW')}; let oh = (l / ${at('oW')}) % ${at('oH')}; let od = l / (${at('oW')} * ${at('oH')});
  let id = od * ${at('s0')} - ${at('p0')} + kd * ${at('d0')};
  let ih = oh * ${at('s1')} - ${at('p1')} + kh * ${at('d1')};
  let iw = ow * ${at('s2')} - ${at('p2')} + kw * ${at('d2')};
  if (id < 0 || id >= ${at('D')} || ih < 0 || ih >= ${at('H')} || iw < 0 || iw >= ${at('W')}) { return 0.0; }
  return X[${at('offx')} + (((n * ${at('C')} + c) * ${at('D')} + id) * ${at('H')} + ih) * ${at('W')} + iw];
}
fn ck_kvol() -> i32 { return ${at('kD')} * ${at('kH')} * ${at('kW')}; }
fn ck_outPlane() -> i32 { return ${at('oD')} * ${at('oH')} * ${at('oW')}; }
fn ck_inPlane() -> i32 { return ${at('D')} * ${at('H')} * ${at('W')}; }
`;

/**
 * Output position along one dim that kernel tap k maps onto input position i, or -1 when none does
 * (the stride skips i, or the position falls outside the output).
 */
const SPREAD = /* wgsl */ `
fn ck_from(i: i32, k: i32, s: i32, p: i32, d: i32, size: i32) -> i32 {
  let num = i + p - k * d;
  if (num < 0 || num % s != 0) { return -1; }
  let o = num / s;
  return select(-1, o, o < size);
}
/** dY[n, absolute channel oc, the output position that tap kk maps onto input position i], or 0. */
fn ck_spread(n: i32, oc: i32, kk: i32, i: i32) -> f32 {
  let kw = kk % ${at('kW')}; let kh = (kk / ${at('kW')}) % ${at('kH')}; let kd = kk / (${at('kW')} * ${at('kH')});
  let iw = i % ${at('W')}; let ih = (i / ${at('W')}) % ${at('H')}; let id = i / (${at('W')} * ${at('H')});
  let od = ck_from(id, kd, ${at('s0')}, ${at('p0')}, ${at('d0')}, ${at('oD')});
  let oh = ck_from(ih, kh, ${at('s1')}, ${at('p1')}, ${at('d1')}, ${at('oH')});
  let ow = ck_from(iw, kw, ${at('s2')}, ${at('p2')}, ${at('d2')}, ${at('oW')});
  if (od < 0 || oh < 0 || ow < 0) { return 0.0; }
  return GY[${at('offy')} + (((n * ${at('O')} + oc) * ${at('oD')} + od) * ${at('oH')} + oh) * ${at('oW')} + ow];
}
`;

/** X̂ through the address tables: input offset of channel base `base`, row r = (c, tap), output position l. */
const PATCH_T = /* wgsl */ `
fn ck_patch_t(base: i32, r: i32, l: i32) -> f32 {
  let t = TAPS[r];
  let p = POS[l];
  let id = p.x + t.y; let ih = p.y + t.z; let iw = p.z + t.w;
  if (u32(id) >= u32(${at('D')}) || u32(ih) >= u32(${at('H')}) || u32(iw) >= u32(${at('W')})) { return 0.0; }
  return X[base + t.x + p.w];
}
fn ck_image(n: i32, g: i32) -> i32 { return ${at('offx')} + (n * ${at('C')} + g * ${at('Cg')}) * ${at('D')} * ${at('H')} * ${at('W')}; }
`;

const TABLES = (first: number, a: string, b: string): string =>
  `@group(0) @binding(${first}) var<storage, read> ${a}: array<vec4<i32>>;\n@group(0) @binding(${first + 1}) var<storage, read> ${b}: array<vec4<i32>>;`;

/** The forward GEMM; `vecW`: the weights (A, consecutive along K) are bound as vec4 and staged four at a time. */
const FORWARD = (bias: boolean, vecW: boolean, activation: EpilogueActivation | null): string => gemmCode({
  decls: `@group(0) @binding(1) var<storage, read_write> Y: array<f32>;
@group(0) @binding(2) var<storage, read> X: array<f32>;
@group(0) @binding(3) var<storage, read> Wt: array<${vecW ? 'vec4<f32>' : 'f32'}>;
${TABLES(4, 'TAPS', 'POS')}
${bias ? '@group(0) @binding(6) var<storage, read> bias: array<f32>;' : ''}`,
  helpers: PATCH_T,
  loadA: `fn loadA(b: i32, m: i32, k: i32) -> f32 {
  let g = b % ${at('groups')};
  let i = ${at('offy')} + (g * ${at('Og')} + m) * prm[2] + k;
  return ${vecW ? 'Wt[i / 4][i % 4]' : 'Wt[i]'};
}`,
  loadA4: vecW ? `fn loadA4(b: i32, m: i32, k: i32) -> vec4<f32> {
  return Wt[(${at('offy')} + ((b % ${at('groups')}) * ${at('Og')} + m) * prm[2] + k) / 4];
}` : undefined,
  loadB: `fn loadB(b: i32, k: i32, l: i32) -> f32 {
  let n = b / ${at('groups')};
  return ck_patch_t(ck_image(n, b - n * ${at('groups')}), k, l);
}`,
  store: `fn store(b: i32, m: i32, l: i32, v: f32) {
  let oc = (b % ${at('groups')}) * ${at('Og')} + m;
  ${epilogue(`v${bias ? ` + bias[${at('offb')} + oc]` : ''}`, activation)}
  Y[((b / ${at('groups')}) * ${at('O')} + oc) * prm[1] + l] = r;
}`,
});

const INPUT_GRAD = gemmCode({
  decls: `@group(0) @binding(1) var<storage, read_write> DX: array<f32>;
@group(0) @binding(2) var<storage, read> GY: array<f32>;
@group(0) @binding(3) var<storage, read> Wt: array<f32>;
${TABLES(4, 'STAPS', 'INPUTS')}`,
  helpers: `fn ck_kvol() -> i32 { return ${at('kD')} * ${at('kH')} * ${at('kW')}; }
/** Position along one dim of the output that reads this input through this tap (num = i + p - k·d), or -1. */
fn ck_out(num: i32, s: i32, size: i32) -> i32 {
  if (num < 0) { return -1; }
  var o = num;
  if (s != 1) {
    if (num % s != 0) { return -1; }
    o = num / s;
  }
  return select(-1, o, o < size);
}`,
  loadA: `fn loadA(b: i32, c: i32, k: i32) -> f32 {
  let g = b % ${at('groups')};
  let kvol = ck_kvol();
  let oc = k / kvol;
  return Wt[${at('offx')} + ((g * ${at('Og')} + oc) * ${at('Cg')} + c) * kvol + k - oc * kvol];
}`,
  loadB: `fn loadB(b: i32, k: i32, i: i32) -> f32 {
  let t = STAPS[k];
  let p = INPUTS[i];
  let od = ck_out(p.x - t.y, ${at('s0')}, ${at('oD')});
  let oh = ck_out(p.y - t.z, ${at('s1')}, ${at('oH')});
  let ow = ck_out(p.z - t.w, ${at('s2')}, ${at('oW')});
  if (od < 0 || oh < 0 || ow < 0) { return 0.0; }
  let n = b / ${at('groups')};
  let g = b - n * ${at('groups')};
  return GY[${at('offy')} + (n * ${at('O')} + g * ${at('Og')}) * ${at('oD')} * ${at('oH')} * ${at('oW')} + t.x + (od * ${at('oH')} + oh) * ${at('oW')} + ow];
}`,
  store: `fn store(b: i32, c: i32, i: i32, v: f32) {
  DX[((b / ${at('groups')}) * ${at('C')} + (b % ${at('groups')}) * ${at('Cg')} + c) * prm[1] + i] = v;
}`,
});

const WEIGHT_GRAD = gemmCode({
  split: { count: at('splits'), chunk: at('chunk') },
  decls: `@group(0) @binding(1) var<storage, read_write> DW: array<f32>;
@group(0) @binding(2) var<storage, read> X: array<f32>;
@group(0) @binding(3) var<storage, read> GY: array<f32>;
${TABLES(4, 'TAPS', 'POS')}`,
  helpers: PATCH_T + `fn ck_outPlane() -> i32 { return ${at('oD')} * ${at('oH')} * ${at('oW')}; }`,
  loadA: `fn loadA(g: i32, m: i32, k: i32) -> f32 {
  let L = ck_outPlane();
  let n = k / L;
  return GY[${at('offy')} + (n * ${at('O')} + g * ${at('Og')} + m) * L + k - n * L];
}`,
  loadB: `fn loadB(g: i32, k: i32, r: i32) -> f32 {
  let L = ck_outPlane();
  let n = k / L;
  return ck_patch_t(ck_image(n, g), r, k - n * L);
}`,
  store: `fn store(g: i32, m: i32, r: i32, v: f32) { DW[(g * ${at('Og')} + m) * prm[1] + r] = v; }`,
});

const IM2COL = `${PRELUDE}
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> X: array<f32>;
${PATCH}
fn body(i: i32) {
  let L = ck_outPlane();
  let rows = ${at('C')} * ck_kvol();
  let l = i % L;
  let row = (i / L) % rows;
  out[i] = ck_patch(i / (L * rows), row / ck_kvol(), row % ck_kvol(), l);
}
${MAIN_1D}`;

/** col2im as a gather: every input position sums the columns that read it, so no atomics are needed. */
const COL2IM = `${PRELUDE}
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read> GY: array<f32>;
${SPREAD}
fn ck_kvol() -> i32 { return ${at('kD')} * ${at('kH')} * ${at('kW')}; }
fn body(i: i32) {
  let plane = ${at('D')} * ${at('H')} * ${at('W')};
  let nc = i / plane;
  let kvol = ck_kvol();
  var s = 0.0;
  for (var kk = 0; kk < kvol; kk++) {
    s += ck_spread(nc / ${at('C')}, (nc % ${at('C')}) * kvol + kk, kk, i % plane);
  }
  out[i] = s;
}
${MAIN_1D}`;

/**
 * The weight gradient's partial sums as a view whose dim 1 runs over the splits: GEMM writes
 * [groups][splits][O/groups·rows], the direct kernel [splits][O·rows].
 */
function splitView(partial: GpuStorage, path: ConvPath, groups: number, splits: number, weights: number): View {
  const perGroup = weights / groups;
  const [shape, strides] = path === 'gemm'
    ? [[groups, splits, perGroup], [splits * perGroup, perGroup, 1]]
    : [[groups, splits, perGroup], [perGroup, weights, 1]];
  return { storage: partial, dtype: 'float32', shape, strides, offset: 0 };
}

export function convKernels(ctx: GpuContext) {
  const sumSplits = (v: View): Storage => reduceKernels(ctx).reduce('sum', v, [1], 'float32');
  function fresh(length: number): GpuStorage {
    return new GpuStorage(ctx, ctx.pool.acquire(length * 4), 'float32', length);
  }
  /** conv(x, w) + bias, through `activation` in the epilogue when given: direct loops or implicit GEMM per planConv. */
  function forward(x: View, w: View, bias: View | null, g: ConvGeometry, activation: EpilogueActivation | null): Storage {
    wgslType(x.dtype, 'conv');
    const [N, C] = x.shape;
    const O = w.shape[0];
    const xs = dense(ctx, x, 'conv');
    const ws = dense(ctx, w, 'conv');
    const L = numel(g.outSize);
    const y = fresh(N * O * L);
    const bs = bias ? dense(ctx, bias, 'conv') : null;
    const buffers = [y.buffer, xs.buffer, ws.buffer];
    const biasBuffer = bs ? [bs.buffer] : [];
    const geo = geoMeta(g, C, O, [xs.offset, ws.offset, bs?.offset ?? 0]);
    if (planConv(N, C, O, g, ctx.software).forward === 'direct') {
      ctx.dispatch('conv', DIRECT_FORWARD(!!bias, activation), [ctx.meta([N * O * L, 0, 0, 0, ...geo]), ...buffers, ...biasBuffer], groupsFor(N * O * L));
    } else {
      const { taps, positions } = patchTables(ctx, g, C / g.groups);
      const K = (C / g.groups) * numel(g.kernelSize);
      runGemm(ctx, 'conv', FORWARD(!!bias, K % 4 === 0 && ws.offset % 4 === 0, activation), [O / g.groups, L, K, N * g.groups, ...geo], [...buffers, taps, positions, ...biasBuffer]);
    }
    [xs, ws, bs].forEach((d) => d?.done());
    return y;
  }
  return {
    conv: (x: View, w: View, bias: View | null, g: ConvGeometry): Storage => forward(x, w, bias, g, null),
    convActivation: (x: View, w: View, bias: View | null, g: ConvGeometry, activation: EpilogueActivation): Storage => forward(x, w, bias, g, activation),
    convBackwardInput(gy: View, w: View, g: ConvGeometry): Storage {
      wgslType(gy.dtype, 'convBackwardInput');
      const [N, O] = gy.shape;
      const C = w.shape[1] * g.groups;
      const gs = dense(ctx, gy, 'convBackwardInput');
      const ws = dense(ctx, w, 'convBackwardInput');
      const plane = numel(g.inSize);
      const dx = fresh(N * C * plane);
      const geo = geoMeta(g, C, O, [ws.offset, gs.offset, 0]);
      if (planConv(N, C, O, g, ctx.software).inputGrad === 'direct') {
        ctx.dispatch('convBackwardInput', DIRECT_INPUT_GRAD, [ctx.meta([N * C * plane, 0, 0, 0, ...geo]), dx.buffer, gs.buffer, ws.buffer], groupsFor(N * C * plane));
      } else {
        const { taps, inputs } = spreadTables(ctx, g, O / g.groups);
        runGemm(ctx, 'convBackwardInput', INPUT_GRAD, [C / g.groups, plane, (O / g.groups) * numel(g.kernelSize), N * g.groups, ...geo], [dx.buffer, gs.buffer, ws.buffer, taps, inputs]);
      }
      [gs, ws].forEach((d) => d.done());
      return dx;
    },
    convBackwardWeight(x: View, gy: View, g: ConvGeometry): Storage {
      wgslType(x.dtype, 'convBackwardWeight');
      const [N, C] = x.shape;
      const O = gy.shape[1];
      const xs = dense(ctx, x, 'convBackwardWeight');
      const gs = dense(ctx, gy, 'convBackwardWeight');
      const rows = (C / g.groups) * numel(g.kernelSize);
      const plan = planConv(N, C, O, g, ctx.software);
      const { splits, chunk } = plan;
      const partial = fresh(O * rows * splits);
      const geo = geoMeta(g, C, O, [xs.offset, gs.offset, 0], [splits, chunk]);
      if (plan.weightGrad === 'direct') {
        ctx.dispatch('convBackwardWeight', DIRECT_WEIGHT_GRAD, [ctx.meta([splits * O * rows, N, 0, 0, ...geo]), partial.buffer, xs.buffer, gs.buffer], groupsFor(splits * O * rows));
      } else {
        const { taps, positions } = patchTables(ctx, g, C / g.groups);
        runGemm(ctx, 'convBackwardWeight', WEIGHT_GRAD, [O / g.groups, rows, N * numel(g.outSize), g.groups * splits, ...geo], [partial.buffer, xs.buffer, gs.buffer, taps, positions]);
      }
      [xs, gs].forEach((d) => d.done());
      if (splits === 1) return partial;
      const dw = sumSplits(splitView(partial, plan.weightGrad, g.groups, splits, O * rows));
      partial.release();
      return dw;
    },
    im2col(x: View, g: ConvGeometry): Storage {
      wgslType(x.dtype, 'im2col');
      const [N, C] = x.shape;
      const xs = dense(ctx, x, 'im2col');
      const n = N * C * numel(g.kernelSize) * numel(g.outSize);
      const out = fresh(n);
      ctx.dispatch('im2col', IM2COL, [ctx.meta([n, 0, 0, 0, ...geoMeta({ ...g, groups: 1 }, C, C, [xs.offset, 0, 0])]), out.buffer, xs.buffer], groupsFor(n));
      xs.done();
      return out;
    },
    col2im(cols: View, channels: number, g: ConvGeometry): Storage {
      wgslType(cols.dtype, 'col2im');
      const N = cols.shape[0];
      const cs = dense(ctx, cols, 'col2im');
      const n = N * channels * numel(g.inSize);
      const out = fresh(n);
      // the columns play dY's part with O = C·kvol "channels", each read at its own tap
      const O = channels * numel(g.kernelSize);
      ctx.dispatch('col2im', COL2IM, [ctx.meta([n, 0, 0, 0, ...geoMeta({ ...g, groups: 1 }, channels, O, [0, cs.offset, 0])]), out.buffer, cs.buffer], groupsFor(n));
      cs.done();
      return out;
    },
  };
}

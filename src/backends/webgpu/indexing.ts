/**
 * gather and scatterAdd. An out-of-range index cannot throw on the GPU: the kernel raises a flag (read back with
 * the next download, which then rejects naming the op) and writes 0. scatterAdd is written as a gather over the
 * index tensor's `dim` so that every output element sums its sources in order, without atomics.
 */
import type { DType } from '../../core/dtype.js';
import { numel, type Shape } from '../../core/shape.js';
import type { Storage, View } from '../backend.js';
import type { GpuContext } from './context.js';
import { bufferOf, GpuStorage } from './storage.js';
import { groupsFor, layout, MAIN_1D, metaWith, PRELUDE, wgslType } from './wgsl.js';

/** Element coordinates of the flat index i in `shape`, as WGSL computing coord[d] from meta (shape at `shapeAt`). */
const COORDS = /* wgsl */ `
fn ck_coord(i: i32, d: i32, nd: i32, shapeAt: i32) -> i32 {
  var r = i;
  for (var k = nd - 1; k > d; k--) { r = r / prm[shapeAt + k]; }
  return r % prm[shapeAt + d];
}
`;

// gather meta: [n, nd, dim, xSize, shape at, xstrides at, x offset, index layout at, ...]
function gatherCode(t: string): string {
  return `${PRELUDE}
@group(0) @binding(1) var<storage, read_write> out: array<${t}>;
@group(0) @binding(2) var<storage, read> X: array<${t}>;
@group(0) @binding(3) var<storage, read> I: array<i32>;
@group(0) @binding(4) var<storage, read_write> flags: array<atomic<i32>, 4>;
${COORDS}
fn body(i: i32) {
  let nd = prm[1]; let dim = prm[2];
  let j = I[ck_at(i, prm[7])];
  if (j < 0 || j >= prm[3]) { atomicMax(&flags[0], 1); out[i] = ${t}(0); return; }
  var off = prm[6];
  for (var d = 0; d < nd; d++) {
    let c = select(ck_coord(i, d, nd, prm[4]), j, d == dim);
    off += c * prm[prm[5] + d];
  }
  out[i] = X[off];
}
${MAIN_1D}`;
}

// scatterAdd meta: [n, nd, dim, count along dim, out shape at, index shape at, index layout at, src layout at]
function scatterCode(t: string): string {
  return `${PRELUDE}
@group(0) @binding(1) var<storage, read_write> out: array<${t}>;
@group(0) @binding(2) var<storage, read> I: array<i32>;
@group(0) @binding(3) var<storage, read> S: array<${t}>;
@group(0) @binding(4) var<storage, read_write> flags: array<atomic<i32>, 4>;
${COORDS}
fn body(i: i32) {
  let nd = prm[1]; let dim = prm[2];
  var acc = ${t}(0);
  // the index/src element with this output's coordinates outside dim, if the index tensor reaches that far
  var inside = true;
  var flat = 0;
  for (var d = 0; d < nd; d++) {
    let c = ck_coord(i, d, nd, prm[4]);
    let size = prm[prm[5] + d];
    if (d != dim && c >= size) { inside = false; }
    flat = flat * size + select(c, 0, d == dim);
  }
  if (inside) {
    let want = ck_coord(i, dim, nd, prm[4]);
    var step = 1;
    for (var d = nd - 1; d > dim; d--) { step *= prm[prm[5] + d]; }
    for (var s = 0; s < prm[3]; s++) {
      let e = flat + s * step;
      let j = I[ck_at(e, prm[6])];
      if (j < 0 || j >= prm[prm[4] + dim]) { atomicMax(&flags[0], 2); }
      if (j == want) { acc += S[ck_at(e, prm[7])]; }
    }
  }
  out[i] = acc;
}
${MAIN_1D}`;
}

export function indexingKernels(ctx: GpuContext) {
  return {
    gather(x: View, dim: number, index: View): Storage {
      const t = wgslType(x.dtype, 'gather');
      const n = numel(index.shape);
      const out = new GpuStorage(ctx, ctx.pool.acquire(n * 4), x.dtype, n);
      const header = [n, index.shape.length, dim, x.shape[dim]];
      const tail = [index.shape as number[], x.strides as number[]];
      const base = header.length + 4;
      const shapeAt = base;
      const stridesAt = base + index.shape.length;
      const idxLayout = layout(index);
      const meta = [...header, shapeAt, stridesAt, x.offset, stridesAt + x.strides.length, ...tail.flat(), ...idxLayout];
      ctx.dispatch('gather', gatherCode(t), [ctx.meta(meta), out.buffer, bufferOf(x, 'gather'), bufferOf(index, 'gather'), ctx.flags], groupsFor(n));
      return out;
    },
    scatterAdd(shape: Shape, dim: number, index: View, src: View, dtype: DType): Storage {
      const t = wgslType(dtype, 'scatterAdd');
      const n = numel(shape);
      const out = new GpuStorage(ctx, ctx.pool.acquire(n * 4), dtype, n);
      // src is read at the index tensor's coordinates (it may be larger than index)
      const srcView = { ...src, shape: index.shape };
      const layouts = [[...shape], [...index.shape], layout(index), layout(srcView)];
      const meta = metaWith([n, shape.length, dim, index.shape[dim] ?? 1], layouts);
      ctx.dispatch('scatterAdd', scatterCode(t), [ctx.meta(meta), out.buffer, bufferOf(index, 'scatterAdd'), bufferOf(src, 'scatterAdd'), ctx.flags], groupsFor(n));
      return out;
    },
  };
}

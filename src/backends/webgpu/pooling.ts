/**
 * Max pooling with indices and its gradient. The windows (fixed or adaptive) arrive as per-dim start and size
 * tables, uploaded in the meta buffer, so one kernel serves every kind of max pooling.
 */
import { numel } from '../../core/shape.js';
import type { Storage, View } from '../backend.js';
import type { MaxPoolResult, PoolWindows, Triple } from '../conv-kernels.js';
import type { GpuContext } from './context.js';
import { dense } from './dense.js';
import { GpuStorage } from './storage.js';
import { groupsFor, MAIN_1D, PRELUDE, wgslType } from './wgsl.js';

// meta: [n, D, H, W, oD, oH, oW, step0, step1, step2, offx, start0 at, size0 at, start1 at, size1 at, start2 at, size2 at, ...tables]
const MAX_POOL = `${PRELUDE}
@group(0) @binding(1) var<storage, read_write> values: array<f32>;
@group(0) @binding(2) var<storage, read_write> indices: array<i32>;
@group(0) @binding(3) var<storage, read> X: array<f32>;
fn body(i: i32) {
  let oD = prm[4]; let oH = prm[5]; let oW = prm[6];
  let ow = i % oW; let oh = (i / oW) % oH; let od = (i / (oW * oH)) % oD;
  let plane = i / (oW * oH * oD);
  let D = prm[1]; let H = prm[2]; let W = prm[3];
  let base = prm[10] + plane * D * H * W;
  var best = 0.0;
  var where_ = -1;
  for (var a = 0; a < prm[prm[12] + od]; a++) {
    let id = prm[prm[11] + od] + a * prm[7];
    if (id < 0 || id >= D) { continue; }
    for (var b = 0; b < prm[prm[14] + oh]; b++) {
      let ih = prm[prm[13] + oh] + b * prm[8];
      if (ih < 0 || ih >= H) { continue; }
      for (var c = 0; c < prm[prm[16] + ow]; c++) {
        let iw = prm[prm[15] + ow] + c * prm[9];
        if (iw < 0 || iw >= W) { continue; }
        let at = (id * H + ih) * W + iw;
        let v = X[base + at];
        if (where_ < 0 || v > best || ck_isnan(v)) { best = v; where_ = at; }
      }
    }
  }
  values[i] = select(best, -ck_inf(), where_ < 0);
  indices[i] = where_;
}
${MAIN_1D}`;

/**
 * One invocation per (n, c) plane adds its outputs' gradients in order: overlapping windows that pick the same
 * input accumulate without atomics, and the sum order is the reference backend's.
 */
const MAX_POOL_BACKWARD = `${PRELUDE}
@group(0) @binding(1) var<storage, read_write> gx: array<f32>;
@group(0) @binding(2) var<storage, read> gy: array<f32>;
@group(0) @binding(3) var<storage, read> idx: array<i32>;
fn body(p: i32) {
  let planeIn = prm[1];
  let planeOut = prm[2];
  for (var j = 0; j < planeIn; j++) { gx[p * planeIn + j] = 0.0; }
  for (var o = 0; o < planeOut; o++) {
    let at = p * planeIn + idx[prm[4] + p * planeOut + o];
    gx[at] = gx[at] + gy[prm[3] + p * planeOut + o];
  }
}
${MAIN_1D}`;

export function poolingKernels(ctx: GpuContext) {
  return {
    maxPool(x: View, w: PoolWindows): MaxPoolResult {
      wgslType(x.dtype, 'maxPool');
      const xs = dense(ctx, x, 'maxPool');
      const planes = x.shape[0] * x.shape[1];
      const n = planes * numel(w.outSize);
      const tables = [w.start[0], w.size[0], w.start[1], w.size[1], w.start[2], w.size[2]].map((t) => [...t]);
      const header = [n, ...x.shape.slice(2), ...w.outSize, ...w.step, xs.offset];
      let pos = header.length + 6;
      const at = tables.map((t) => ((pos += t.length), pos - t.length));
      const values = new GpuStorage(ctx, ctx.pool.acquire(n * 4), x.dtype, n);
      const indices = new GpuStorage(ctx, ctx.pool.acquire(n * 4), 'int32', n);
      ctx.dispatch('maxPool', MAX_POOL, [ctx.meta([...header, ...at, ...tables.flat()]), values.buffer, indices.buffer, xs.buffer], groupsFor(n));
      xs.done();
      return { values, indices };
    },
    maxPoolBackward(gy: View, indices: View, inSize: Triple): Storage {
      wgslType(gy.dtype, 'maxPoolBackward');
      const planes = gy.shape[0] * gy.shape[1];
      const gs = dense(ctx, gy, 'maxPoolBackward');
      const is = dense(ctx, indices, 'maxPoolBackward');
      const planeIn = numel(inSize);
      const gx = new GpuStorage(ctx, ctx.pool.acquire(planes * planeIn * 4), gy.dtype, planes * planeIn);
      const meta = [planes, planeIn, numel(gy.shape.slice(2)), gs.offset, is.offset];
      ctx.dispatch('maxPoolBackward', MAX_POOL_BACKWARD, [ctx.meta(meta), gx.buffer, gs.buffer, is.buffer], groupsFor(planes));
      [gs, is].forEach((d) => d.done());
      return gx;
    },
  };
}

/**
 * Reductions: one workgroup per output row, its 256 invocations striding over the row and combining in
 * workgroup memory (a tree), so a full sum of a large tensor is as parallel as a per-channel one.
 * Rows are addressed through two layouts: the kept dims pick the row, the reduced dims walk it.
 */
import type { DType } from '../../core/dtype.js';
import { numel } from '../../core/shape.js';
import type { ReduceOp, Storage, View } from '../backend.js';
import type { GpuContext } from './context.js';
import { FLOAT_HELPERS } from './elementwise.js';
import { bufferOf, GpuStorage } from './storage.js';
import { groupsFor, layout, MAIN_1D, metaWith, PRELUDE, wgslType } from './wgsl.js';

const WG = 256;
/** Rows up to this long get one invocation each: a workgroup's tree and its barriers cost more than the loop. */
const SHORT_ROW = 64;

/** Identity and combine step per op, for f32 and i32; max/min let NaN win as PyTorch does. */
function combine(op: ReduceOp, t: 'f32' | 'i32'): { init: string; step: (a: string, b: string) => string } {
  const f = t === 'f32';
  switch (op) {
    case 'sum': return { init: f ? '0.0' : '0', step: (a, b) => `${a} + ${b}` };
    case 'prod': return { init: f ? '1.0' : '1', step: (a, b) => `${a} * ${b}` };
    case 'max': return { init: f ? '-ck_inf()' : '-2147483647 - 1', step: (a, b) => (f ? `ck_max(${a}, ${b})` : `max(${a}, ${b})`) };
    case 'min': return { init: f ? 'ck_inf()' : '2147483647', step: (a, b) => (f ? `ck_min(${a}, ${b})` : `min(${a}, ${b})`) };
  }
}

/** Splits x's dims into the kept ones (rows) and the reduced ones (walked per row). */
function rowLayouts(x: View, reduced: readonly number[]): { rows: number; len: number; meta: number[][] } {
  const kept = x.shape.map((_, i) => i).filter((i) => !reduced.includes(i));
  const pick = (dims: number[], offset: number) => layout({ shape: dims.map((d) => x.shape[d]), strides: dims.map((d) => x.strides[d]), offset });
  return {
    rows: numel(kept.map((d) => x.shape[d])),
    len: numel(reduced.map((d) => x.shape[d])),
    meta: [pick(kept, x.offset), pick([...reduced], 0)],
  };
}

const NONE = 2147483647;

/** Whether candidate (v, vi) beats the best so far (b, bi): NaN wins, then the comparison, then the smaller index. */
function betterFn(t: 'f32' | 'i32', cmp: string): string {
  const nan = t === 'f32'
    ? `let vn = ck_isnan(v); let bn = ck_isnan(b); if (vn || bn) { return vn && (!bn || vi < bi); }`
    : '';
  return `fn ck_better(v: ${t}, vi: i32, b: ${t}, bi: i32) -> bool {
  if (bi == ${NONE}) { return true; }
  ${nan}
  return v ${cmp} b || (v == b && vi < bi);
}`;
}

/** What both reductions' shaders start with: the bindings and the helpers (the comparison for arg reductions). */
function header(inType: string, outType: string, accType: 'f32' | 'i32', argCmp: string | null): string {
  return `${PRELUDE}
@group(0) @binding(1) var<storage, read_write> out: array<${outType}>;
@group(0) @binding(2) var<storage, read> x: array<${inType}>;
${FLOAT_HELPERS}
${argCmp !== null ? betterFn(accType, argCmp) : ''}`;
}

function shader(inType: string, outType: string, accType: 'f32' | 'i32', init: string, step: (a: string, b: string) => string, argCmp: string | null): string {
  const arg = argCmp !== null;
  return `${header(inType, outType, accType, argCmp)}
var<workgroup> acc: array<${accType}, ${WG}>;
var<workgroup> at_: array<i32, ${WG}>;
@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) li: u32) {
  let row = i32(wg.y * nwg.x + wg.x);
  let rows = prm[0];
  let len = prm[1];
  var a: ${accType} = ${init};
  var ai: i32 = ${NONE};
  if (row < rows) {
    let base = ck_at(row, prm[2]);
    for (var j = i32(li); j < len; j += ${WG}) {
      let v = ${accType}(x[base + ck_at(j, prm[3])]);
      ${arg ? 'if (ck_better(v, j, a, ai)) { a = v; ai = j; }' : `a = ${step('a', 'v')};`}
    }
  }
  acc[li] = a;
  at_[li] = ai;
  workgroupBarrier();
  for (var s = ${WG / 2}u; s > 0u; s = s >> 1u) {
    if (li < s) {
      let v = acc[li + s];
      let vi = at_[li + s];
      ${arg ? `if (vi != ${NONE} && ck_better(v, vi, acc[li], at_[li])) { acc[li] = v; at_[li] = vi; }` : `acc[li] = ${step('acc[li]', 'v')};`}
    }
    workgroupBarrier();
  }
  if (li == 0u && row < rows) { out[row] = ${arg ? 'at_[0]' : `${outType}(acc[0])`}; }
}`;
}

/** The same reduction with one invocation per row walking it in order: for many short rows (split-K partial sums, bias gradients of small batches). */
function rowShader(inType: string, outType: string, accType: 'f32' | 'i32', init: string, step: (a: string, b: string) => string, argCmp: string | null): string {
  const arg = argCmp !== null;
  return `${header(inType, outType, accType, argCmp)}
fn body(row: i32) {
  let base = ck_at(row, prm[2]);
  var a: ${accType} = ${init};
  var ai: i32 = ${NONE};
  for (var j = 0; j < prm[1]; j++) {
    let v = ${accType}(x[base + ck_at(j, prm[3])]);
    ${arg ? 'if (ck_better(v, j, a, ai)) { a = v; ai = j; }' : `a = ${step('a', 'v')};`}
  }
  out[row] = ${arg ? 'ai' : `${outType}(a)`};
}
${MAIN_1D}`;
}

type ShaderFn = typeof shader;

export function reduceKernels(ctx: GpuContext) {
  function run(op: string, x: View, dims: readonly number[], outDtype: DType, code: (make: ShaderFn) => string): Storage {
    const { rows, len, meta } = rowLayouts(x, dims);
    const out = new GpuStorage(ctx, ctx.pool.acquire(rows * 4), outDtype, rows);
    const buffers = [ctx.meta(metaWith([rows, len], meta)), out.buffer, bufferOf(x, op)];
    if (len <= SHORT_ROW) ctx.dispatch(op, code(rowShader), buffers, groupsFor(rows));
    else ctx.dispatch(op, code(shader), buffers, rows);
    return out;
  }
  return {
    reduce(op: ReduceOp, x: View, dims: readonly number[], outDtype: DType): Storage {
      const accType = wgslType(outDtype, op);
      const { init, step } = combine(op, accType);
      return run(op, x, dims, outDtype, (make) => make(wgslType(x.dtype, op), accType, accType, init, step, null));
    },
    argReduce(op: 'argmax' | 'argmin', x: View, dim: number): Storage {
      const t = wgslType(x.dtype, op);
      return run(op, x, [dim], 'int32', (make) => make(t, 'i32', t, t === 'f32' ? '0.0' : '0', (a) => a, op === 'argmax' ? '>' : '<'));
    },
  };
}

/**
 * The elementwise engine: one invocation per output element, each input read through its own strided
 * layout (broadcasting is stride 0), so no op needs a contiguous copy first.
 */
import type { DType } from '../../core/dtype.js';
import { numel } from '../../core/shape.js';
import type { View } from '../backend.js';
import type { GpuContext } from './context.js';
import { bufferOf, GpuStorage } from './storage.js';
import { groupsFor, layout, MAIN_1D, metaWith, PRELUDE, wgslType } from './wgsl.js';

export interface MapInput {
  view: View;
  /** The name the expression uses for this input's value, already converted to `as`. */
  name: string;
  as: 'f32' | 'i32';
}

/**
 * out[i] = expr over the inputs' elements at i. `expr` is WGSL of the output's type; `helpers` adds functions.
 */
export function mapKernel(
  ctx: GpuContext, op: string, outDtype: DType, shape: readonly number[], inputs: readonly MapInput[], expr: string,
  opts: { helpers?: string } = {},
): GpuStorage {
  const outType = wgslType(outDtype, op);
  const n = numel(shape);
  const types = inputs.map((inp) => wgslType(inp.view.dtype, op));
  const decls = inputs.map((_, k) => `@group(0) @binding(${k + 2}) var<storage, read> in${k}: array<${types[k]}>;`).join('\n');
  const loads = inputs.map((inp, k) => `  let ${inp.name} = ${inp.as}(in${k}[ck_at(i, prm[${k + 2}])]);`).join('\n');
  const code = `${PRELUDE}
@group(0) @binding(1) var<storage, read_write> out: array<${outType}>;
${decls}
${opts.helpers ?? ''}
fn body(i: i32) {
${loads}
  out[prm[1] + i] = ${outType}(${expr});
}
${MAIN_1D}`;
  const meta = metaWith([n, 0], inputs.map((inp) => layout({ ...inp.view, shape })));
  const out = new GpuStorage(ctx, ctx.pool.acquire(n * 4), outDtype, n);
  ctx.dispatch(op, code, [ctx.meta(meta), out.buffer, ...inputs.map((inp) => bufferOf(inp.view, op))], groupsFor(n));
  return out;
}

/** The computation type for a dtype: f32 for float32, i32 for int32 and bool. */
export function computeType(dtype: DType, op: string): 'f32' | 'i32' {
  return wgslType(dtype, op);
}

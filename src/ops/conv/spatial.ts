/**
 * Every convolution and pooling runs on 5-D tensors [N, C, D, H, W]. These helpers lift the 1-D, 2-D and 3-D
 * variants, batched or not, to that form (singleton leading spatial dims are free views) and back.
 */
import type { ConvGeometry, Triple } from '../../backends/conv-kernels.js';
import { isFloating } from '../../core/dtype.js';
import { fmt } from '../../core/shape.js';
import { Tensor } from '../../core/tensor.js';
import { describe } from '../dispatch.js';
import { reshape, squeeze, unsqueeze } from '../views.js';

export function checkFloating(op: string, name: string, t: unknown): asserts t is Tensor {
  if (!(t instanceof Tensor)) throw new TypeError(`${op}: expected ${name} to be a Tensor, got ${describe(t)}`);
  if (!isFloating(t.dtype)) throw new TypeError(`${op}: expected a floating point ${name}, got ${t.dtype}`);
}

export interface Lifted {
  x5: Tensor;
  batched: boolean;
  /** The input's spatial sizes (nd of them). */
  spatial: number[];
}

/** Checks that `x` is [C, ...spatial] or [N, C, ...spatial] with `nd` spatial dims, and lifts it to 5-D. */
export function liftInput(op: string, x: unknown, nd: number): Lifted {
  checkFloating(op, 'input', x);
  if (x.ndim !== nd + 1 && x.ndim !== nd + 2) {
    throw new RangeError(`${op}: expected a ${nd + 1}-D (unbatched) or ${nd + 2}-D (batched) input, got ${fmt(x.shape)}`);
  }
  const batched = x.ndim === nd + 2;
  const b = batched ? x : unsqueeze(x, 0);
  const spatial = b.shape.slice(2);
  return { x5: reshape(b, [b.shape[0], b.shape[1], ...padLeading(spatial, 1)]), batched, spatial };
}

/** Drops the singleton spatial dims a 5-D result got from `liftInput` (and the batch dim of an unbatched input). */
export function lower(y5: Tensor, nd: number, batched: boolean): Tensor {
  const y = reshape(y5, [y5.shape[0], y5.shape[1], ...y5.shape.slice(5 - nd)]);
  return batched ? y : squeeze(y, 0);
}

/** A kernel [O, I, ...k] with nd spatial dims as the 5-D kernel [O, I, 1.., ...k]. */
export function liftKernel(w: Tensor): Tensor {
  return reshape(w, [w.shape[0], w.shape[1], ...padLeading(w.shape.slice(2), 1)]);
}

/** Pads a per-dim list to the 3 spatial dims of the kernels, the missing leading dims taking `fill`. */
export function padLeading(values: readonly number[], fill: number): Triple {
  const out = [...new Array<number>(3 - values.length).fill(fill), ...values];
  return [out[0], out[1], out[2]];
}

/** The 5-D geometry of an nd-dim convolution (the extra leading dims have size, kernel and stride 1). */
export function geometry(inSize: readonly number[], outSize: readonly number[], kernelSize: readonly number[], stride: readonly number[], dilation: readonly number[], padBefore: readonly number[], groups: number): ConvGeometry {
  return {
    inSize: padLeading(inSize, 1),
    outSize: padLeading(outSize, 1),
    kernelSize: padLeading(kernelSize, 1),
    stride: padLeading(stride, 1),
    dilation: padLeading(dilation, 1),
    padBefore: padLeading(padBefore, 0),
    groups,
  };
}

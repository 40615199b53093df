import { define, is, signature } from '../core/args.js';
import { traced } from './trace.js';
import { record } from '../core/autograd.js';
import { isFloating } from '../core/dtype.js';
import { fmt, normDim, type Shape } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { describe, full, kernels, wrap } from './dispatch.js';
import { expand, narrow, reshape, unsqueeze } from './views.js';

function checkIndexTensor(index: Tensor, x: Tensor, dim: number, op: string): void {
  if (!(index instanceof Tensor) || index.dtype !== 'int32') throw new TypeError(`${op}: expected an int32 index tensor, got ${describe(index)}`);
  if (index.ndim !== x.ndim) throw new RangeError(`${op}: index ${fmt(index.shape)} and input ${fmt(x.shape)} must have the same number of dimensions`);
  index.shape.forEach((s, d) => {
    if (d !== dim && s > x.shape[d]) throw new RangeError(`${op}: index ${fmt(index.shape)} is larger than input ${fmt(x.shape)} at dim ${d}`);
  });
}

/** out[i][j] = x[index[i][j]][j] along dim 0 (and likewise for other dims), as torch.gather. */
function gatherOf(x: Tensor, dim: number, index: Tensor): Tensor {
  const d = normDim(dim, x.ndim, 'gather');
  checkIndexTensor(index, x, d, 'gather');
  const out = wrap(kernels('gather', x, index).gather(x, d, index), index.shape, x.dtype);
  if (!isFloating(x.dtype)) return out;
  return record('GatherBackward0', out, [x], (g) => [scatterAddOf(full(x.shape, 0, g.dtype, g.device), d, index, g)]);
}

/** A copy of `x` with `src` added at `index` along dim, as torch.scatter_add (out of place). */
function scatterAddOf(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  const d = normDim(dim, x.ndim, 'scatterAdd');
  checkIndexTensor(index, x, d, 'scatterAdd');
  if (!(src instanceof Tensor) || src.ndim !== index.ndim || src.shape.some((s, i) => s < index.shape[i])) {
    throw new RangeError(`scatterAdd: src ${describe(src)} must be at least as large as index ${fmt(index.shape)}`);
  }
  const k = kernels('scatterAdd', x, index, src);
  const srcView = index.shape.every((s, i) => s === src.shape[i]) ? src : narrowTo(src, index.shape);
  const added = wrap(k.scatterAdd(x.shape, d, index, srcView, x.dtype), x.shape, x.dtype);
  const base = wrap(k.copy(x, x.dtype), x.shape, x.dtype);
  k.assign(added, base, true);
  if (!isFloating(x.dtype)) return added;
  return record('ScatterAddBackward0', added, [x, src], (g) => [g, src.requiresGrad ? padTo(gatherOf(g, d, index), src.shape) : null]);
}

function narrowTo(t: Tensor, shape: Shape): Tensor {
  return shape.reduce((acc, s, i) => narrow(acc, i, 0, s), t);
}

function padTo(t: Tensor, shape: Shape): Tensor {
  if (t.shape.every((s, i) => s === shape[i])) return t;
  const out = full(shape, 0, t.dtype, t.device);
  kernels('scatterAdd', t).assign(narrowTo(out, t.shape), t, false);
  return record('PadBackward', out, [t], (g) => [narrowTo(g, t.shape)]);
}

/** The entries of `x` at the positions `index` (1-D int32) along dim, as torch.index_select (e.g. picking a batch). */
function indexSelectOf(x: Tensor, dim: number, index: Tensor): Tensor {
  const d = normDim(dim, x.ndim, 'indexSelect');
  if (!(index instanceof Tensor) || index.dtype !== 'int32' || index.ndim > 1) {
    throw new TypeError(`indexSelect: expected a 1-D int32 index tensor, got ${describe(index)}`);
  }
  const n = index.numel();
  const shape = x.shape.map((s, i) => (i === d ? n : s));
  const view = x.shape.map((_, i) => (i === d ? n : 1));
  // a gather whose index repeats the positions across every other dim; its gradient is gather's scatter
  try {
    return gatherOf(x, d, expand(reshape(index, view), shape));
  } catch (e) {
    // the kernel's bounds check speaks for gather; the user called indexSelect
    if (e instanceof RangeError && e.message.startsWith('gather:')) throw new RangeError(`indexSelect:${e.message.slice('gather:'.length)}`);
    throw e;
  }
}

/** Joins tensors along an existing dim. */
function catOf(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new RangeError('cat: expected a non-empty list of tensors');
  tensors.forEach((t) => {
    if (!(t instanceof Tensor)) throw new TypeError(`cat: expected tensors, got ${describe(t)}`);
  });
  // legacy rule kept by torch: 1-D empty tensors are skipped
  const parts = tensors.filter((t) => !(t.ndim === 1 && t.shape[0] === 0));
  if (parts.length === 0) return tensors[0];
  const first = parts[0];
  const d = normDim(dim, first.ndim, 'cat');
  parts.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.some((s: number, k: number) => k !== d && s !== first.shape[k])) {
      throw new RangeError(`cat: sizes of tensors must match except in dim ${d}: tensor 0 is ${fmt(first.shape)}, tensor ${i} is ${fmt(t.shape)}`);
    }
    if (t.dtype !== first.dtype) throw new TypeError(`cat: expected all tensors to have dtype ${first.dtype}, tensor ${i} has ${t.dtype}`);
  });
  return traced('cat', parts, { dim: d }, () => catParts(parts, d));
}

function catParts(parts: readonly Tensor[], d: number): Tensor {
  const first = parts[0];
  const shape = first.shape.slice();
  shape[d] = parts.reduce((acc, t) => acc + t.shape[d], 0);
  const out = full(shape, 0, first.dtype, first.device);
  const k = kernels('cat', ...parts);
  let offset = 0;
  const starts = parts.map((t) => {
    k.assign(narrow(out, d, offset, t.shape[d]), t, false);
    offset += t.shape[d];
    return offset - t.shape[d];
  });
  if (!isFloating(first.dtype)) return out;
  return record('CatBackward0', out, parts, (g) => parts.map((t, i) => narrow(g, d, starts[i], t.shape[d])));
}

/** Joins same-shaped tensors along a new dim. */
function stackOf(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new RangeError('stack: expected a non-empty list of tensors');
  const first = tensors[0];
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor) || t.shape.length !== first.shape.length || t.shape.some((s, k) => s !== first.shape[k])) {
      throw new RangeError(`stack: expects each tensor to be equal size, but got ${fmt(first.shape)} at entry 0 and ${describe(t)} at entry ${i}`);
    }
  });
  const d = normDim(dim, first.ndim + 1, 'stack');
  return catOf(tensors.map((t) => unsqueeze(t, d)), d);
}

/** Splits into pieces of `size` (the last may be smaller) or of the listed sizes, as torch.split. */
function splitOf(x: Tensor, sizes: number | readonly number[], dim = 0): Tensor[] {
  const d = normDim(dim, x.ndim, 'split');
  const n = x.shape[d];
  let list: number[];
  if (typeof sizes === 'number') {
    if (!Number.isInteger(sizes) || sizes <= 0) throw new RangeError(`split: split size must be a positive integer, got ${sizes}`);
    list = Array.from({ length: Math.max(1, Math.ceil(n / sizes)) }, (_, i) => Math.min(sizes, n - i * sizes));
  } else {
    list = sizes.slice();
    const total = list.reduce((a, b) => a + b, 0);
    if (total !== n) throw new RangeError(`split: split sizes ${fmt(list)} sum to ${total}, but dim ${d} of ${fmt(x.shape)} has size ${n}`);
  }
  let start = 0;
  return list.map((len) => {
    const piece = narrow(x, d, start, len);
    start += len;
    return piece;
  });
}

/** Splits into `chunks` pieces of equal size (the last smaller), as torch.chunk. */
function chunkOf(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0) throw new RangeError(`chunk: number of chunks must be a positive integer, got ${chunks}`);
  const d = normDim(dim, x.ndim, 'chunk');
  return splitOf(x, Math.max(1, Math.ceil(x.shape[d] / chunks)), d);
}

// The public forms, with torch's parameter lists; the code above calls the plain functions.
const TENSORS = is.arrayOf(is.tensor);
export const gather = define(
  signature('gather', 'torch.', [['input', is.tensor], ['dim', is.int], ['index', is.tensor]], [], [['sparseGrad', is.oneOf(false)]]),
  ({ input, dim, index }) => gatherOf(input, dim, index),
);
/** A copy of `input` with `src` added at `index` along dim, as torch.scatter_add (out of place). */
export const scatterAdd = define(
  signature('scatterAdd', 'torch.', [['input', is.tensor], ['dim', is.int], ['index', is.tensor], ['src', is.tensor]], []),
  ({ input, dim, index, src }) => scatterAddOf(input, dim, index, src),
);
/** The entries of `input` at the positions `index` (1-D int32) along dim, as torch.index_select. */
export const indexSelect = define(
  signature('indexSelect', 'torch.', [['input', is.tensor], ['dim', is.int], ['index', is.tensor]], []),
  ({ input, dim, index }) => indexSelectOf(input, dim, index),
);
/** Joins tensors along an existing dim. */
export const cat = define(signature('cat', 'torch.', [['tensors', TENSORS]], [['dim', is.int]]), ({ tensors, dim }) => catOf(tensors, dim));
/** Joins same-shaped tensors along a new dim. */
export const stack = define(signature('stack', 'torch.', [['tensors', TENSORS]], [['dim', is.int]]), ({ tensors, dim }) => stackOf(tensors, dim));
/** Splits into pieces of `splitSizeOrSections` (the last may be smaller) or of the listed sizes, as torch.split. */
export const split = define(
  signature('split', 'torch.', [['tensor', is.tensor], ['splitSizeOrSections', is.intOrTuple]], [['dim', is.int]]),
  ({ tensor, splitSizeOrSections, dim }) => splitOf(tensor, splitSizeOrSections, dim),
);
/** Splits into `chunks` pieces of equal size (the last smaller), as torch.chunk. */
export const chunk = define(signature('chunk', 'torch.', [['input', is.tensor], ['chunks', is.int]], [['dim', is.int]]), ({ input, chunks, dim }) => chunkOf(input, chunks, dim));

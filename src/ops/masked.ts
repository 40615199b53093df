/**
 * Masks, scatters and indexing with tensors: maskedFill, scatter, nonzero, maskedSelect, x.index(idx) /
 * x.index(mask), indexPut (PyTorch's `x[mask] = v`) and oneHot. All are compositions of where, gather and
 * scatterAdd, so their gradients are those ops' gradients.
 */
import { readsSync } from '../backends/registry.js';
import { check, define, is, parseArgs, signature, withSignature } from '../core/args.js';
import { broadcastShapes, fmt, normDim, numel } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { arange } from './creation.js';
import { describe, full, scalarLike, wrap } from './dispatch.js';
import { add, eq, gt, lt, mul, where } from './elementwise.js';
import { indexSelect, scatterAdd } from './indexing.js';
import { copy_ } from './inplace.js';
import { expand, index as basicIndex, permute, reshape, unsqueeze, to, type IndexSpec } from './views.js';
import { currentBackend } from '../backends/registry.js';

// a number (or a boolean, for bool tensors) or a tensor
const scalarOrTensor = is.or(is.or(is.number, is.bool), is.tensor);

const MASKED_FILL = signature('maskedFill', 'torch.', [['input', is.tensor], ['mask', is.tensor], ['value', scalarOrTensor]], []);

function checkMask(mask: Tensor, op: string): void {
  if (mask.dtype !== 'bool') throw new TypeError(`${op}: expected a bool mask, got ${describe(mask)}; compare first (x.gt(0)) or call .bool()`);
}

/** Tensor.masked_fill: `value` where the (broadcast) mask is true, the input elsewhere. */
export const maskedFill = define(MASKED_FILL, ({ input, mask, value }): Tensor => {
  checkMask(mask, 'maskedFill');
  if (value instanceof Tensor && value.ndim !== 0) throw new RangeError(`maskedFill: value must be a number or a 0-dim tensor, got ${describe(value)}`);
  const shape = broadcastShapes(input.shape, mask.shape, 'maskedFill');
  if (shape.length !== input.ndim || shape.some((s, i) => s !== input.shape[i])) {
    throw new RangeError(`maskedFill: mask ${fmt(mask.shape)} must broadcast to the input's shape ${fmt(input.shape)}`);
  }
  const v = value instanceof Tensor ? to(value, input.dtype) : scalarLike(value, input);
  return where(mask, v, input);
});

/** In place: Tensor.masked_fill_. */
export const maskedFill_ = define(signature('maskedFill_', 'torch.', MASKED_FILL.required, []), (v): Tensor =>
  copy_(v.input, maskedFill(v.input, v.mask, v.value)));

const SCATTER = signature('scatter', 'torch.', [['input', is.tensor], ['dim', is.int], ['index', is.tensor], ['src', scalarOrTensor]], []);

/**
 * torch.scatter: a copy of the input with `src` (a tensor, or one number for every position) written at
 * `index` along dim. Where index repeats a position, PyTorch leaves the winner unspecified; here they add.
 */
export const scatter = define(SCATTER, ({ input, dim, index, src }): Tensor => scatterInto(input, dim, index, src, null));

/** In place: Tensor.scatter_, whose reduce 'add' adds the values instead of writing them. */
export const scatter_ = define(signature('scatter_', 'torch.', SCATTER.required, [['reduce', is.oneOf('add', 'multiply')]]), (v): Tensor =>
  copy_(v.input, scatterInto(v.input, v.dim, v.index, v.src, v.reduce ?? null)));

function scatterInto(input: Tensor, dim: number, index: Tensor, src: number | boolean | Tensor, reduce: 'add' | 'multiply' | null): Tensor {
  const d = normDim(dim, input.ndim, 'scatter');
  if (index.dtype !== 'int32') throw new TypeError(`scatter: expected an int32 index tensor, got ${describe(index)}`);
  if (reduce === 'multiply') throw new RangeError("scatter_: reduce 'multiply' is not supported (PyTorch deprecates it); use reduce 'add', or scatter the factors and multiply");
  const values = src instanceof Tensor ? src : expand(scalarLike(src, input), index.shape);
  if (values.dtype !== input.dtype) throw new TypeError(`scatter: expected src of dtype ${input.dtype} (the input's), got ${values.dtype}`);
  const written = scatterAdd(full(input.shape, 0, input.dtype), d, index, values);
  if (reduce === 'add') return add(input, written);
  const hit = gt(scatterAdd(full(input.shape, 0, 'int32'), d, index, full(index.shape, 1, 'int32')), 0);
  return where(hit, written, input);
}

const NONZERO = signature('nonzero', 'torch.', [['input', is.tensor]], [], [['asTuple', is.bool]]);

/** Host positions of the non-zero elements, row-major (the result's size depends on the values). */
function nonzeroPositions(x: Tensor): number[] {
  const data = x.dataSync();
  const out: number[] = [];
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) out.push(i);
  return out;
}

/** torch.nonzero: an int32 [count, ndim] tensor of the positions of non-zero elements (asTuple: one 1-D tensor per dim). */
export const nonzero = define(NONZERO, ({ input, asTuple = false }): Tensor | Tensor[] => {
  const flat = nonzeroPositions(input);
  const nd = input.ndim;
  const coords = new Int32Array(flat.length * nd);
  flat.forEach((p, i) => {
    for (let d = nd - 1; d >= 0; d--) {
      coords[i * nd + d] = p % input.shape[d];
      p = Math.floor(p / input.shape[d]);
    }
  });
  const out = wrap(currentBackend().fromHost(coords, 'int32'), [flat.length, nd], 'int32');
  if (!asTuple) return out;
  return nd === 0 ? [wrap(currentBackend().fromHost(new Int32Array(flat.length), 'int32'), [flat.length], 'int32')] : Array.from({ length: nd }, (_, d) => basicIndex(out, null, d));
});

const MASKED_SELECT = signature('maskedSelect', 'torch.', [['input', is.tensor], ['mask', is.tensor]], []);

/** torch.masked_select: the elements where the (broadcast) mask is true, as a 1-D tensor. */
export const maskedSelect = define(MASKED_SELECT, ({ input, mask }): Tensor => {
  checkMask(mask, 'maskedSelect');
  const shape = broadcastShapes(input.shape, mask.shape, 'maskedSelect');
  const picks = nonzeroPositions(expand(mask, shape));
  const idx = wrap(currentBackend().fromHost(Int32Array.from(picks), 'int32'), [picks.length], 'int32');
  return indexSelect(reshape(expand(input, shape), [numel(shape)]), 0, idx);
});

/** One entry of `x.index(...)`: the basic specs, or an int32 tensor of positions, or a bool mask over dims. */
export type AdvancedIndexSpec = IndexSpec | Tensor;

/**
 * PyTorch's x[...] with index tensors. Numbers and slices apply first (as PyTorch treats them); every int32
 * tensor indexes its dim, a bool mask the dims it covers (as the positions nonzero() gives). The index tensors
 * broadcast together; their dims replace the indexed ones where those are adjacent, else they lead, as in NumPy.
 */
export function advancedIndex(x: Tensor, specs: readonly AdvancedIndexSpec[]): Tensor {
  if (!specs.some((s) => s instanceof Tensor)) return basicIndex(x, ...(specs as IndexSpec[]));
  const { basic, tensorAt } = splitSpecs(x, specs);
  const y = basicIndex(x, ...basic);
  const dims: number[] = [];
  const indices: Tensor[] = [];
  for (const [dim, t] of tensorAt) {
    if (t.dtype === 'bool') {
      const covered = y.shape.slice(dim, dim + t.ndim);
      if (t.ndim === 0 || covered.length !== t.ndim || covered.some((s, i) => s !== t.shape[i])) {
        throw new RangeError(`index: the mask ${fmt(t.shape)} does not match the indexed tensor's dims ${fmt(covered)} at dim ${dim} (tensor ${fmt(y.shape)})`);
      }
      const pos = nonzero(t) as Tensor;
      for (let k = 0; k < t.ndim; k++) {
        dims.push(dim + k);
        indices.push(basicIndex(pos, null, k));
      }
    } else if (t.dtype === 'int32') {
      dims.push(dim);
      indices.push(t);
    } else {
      throw new TypeError(`index: tensors used as indices must be int32 or bool, got ${describe(t)}`);
    }
  }
  return gatherAdvanced(y, dims, indices);
}

const INDEX_SPEC = check<AdvancedIndexSpec>("a number, null, '...', an array [start, end, step] (nulls allowed) or an index Tensor", (v) =>
  v === null || v === '...' || Number.isInteger(v) || v instanceof Tensor || (Array.isArray(v) && v.length <= 3 && v.every((e) => e == null || Number.isInteger(e))));
const INDEX = signature('index', null, [['input', is.tensor]], [], [], ['indices', INDEX_SPEC]);

/** `ck.index(x, ...specs)`: the function form of `x.index(...)`, with index tensors and masks. */
export function index(x: Tensor, ...specs: AdvancedIndexSpec[]): Tensor {
  const v = parseArgs(INDEX, [x, ...specs]) as { input: Tensor; indices?: AdvancedIndexSpec[] };
  return advancedIndex(v.input, v.indices ?? []);
}
withSignature(index, INDEX);

/** The basic specs with each tensor replaced by null (keep the dim), and the dim of y each tensor indexes. */
function splitSpecs(x: Tensor, specs: readonly AdvancedIndexSpec[]): { basic: IndexSpec[]; tensorAt: [number, Tensor][] } {
  if (specs.filter((s) => s === '...').length > 1) throw new RangeError('index: an index can only have a single ellipsis');
  const consumed = specs.reduce((n: number, s) => n + (s === '...' ? 0 : s instanceof Tensor && s.dtype === 'bool' ? Math.max(s.ndim, 1) : 1), 0);
  if (consumed > x.ndim) throw new RangeError(`index: too many indices (${consumed}) for a tensor of rank ${x.ndim}`);
  const basic: IndexSpec[] = [];
  const tensorAt: [number, Tensor][] = [];
  let yDim = 0;
  for (const s of specs) {
    if (s === '...') {
      basic.push(...new Array<IndexSpec>(x.ndim - consumed).fill(null));
      yDim += x.ndim - consumed;
    } else if (s instanceof Tensor) {
      tensorAt.push([yDim, s]);
      const n = s.dtype === 'bool' ? s.ndim : 1;
      basic.push(...new Array<IndexSpec>(n).fill(null));
      yDim += n;
    } else {
      basic.push(s);
      if (typeof s !== 'number') yDim++;
    }
  }
  return { basic, tensorAt };
}

/** y indexed at `dims` by the (broadcast) int32 tensors: one indexSelect over those dims flattened. */
function gatherAdvanced(y: Tensor, dims: number[], indices: Tensor[]): Tensor {
  const bshape = indices.reduce((s: number[], t) => broadcastShapes(s, t.shape, 'index'), []);
  const rest = y.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const moved = permute(y, [...dims, ...rest]);
  const sizes = dims.map((d) => y.shape[d]);
  let linear: Tensor = full(bshape, 0, 'int32');
  let stride = 1;
  for (let k = dims.length - 1; k >= 0; k--) {
    const t = indices[k];
    checkBounds(t, sizes[k], dims[k]);
    const wrapped = where(lt(t, 0), add(t, sizes[k]), t);
    linear = add(linear, mul(wrapped, stride));
    stride *= sizes[k];
  }
  const flat = reshape(moved, [stride, ...rest.map((d) => y.shape[d])]);
  const picked = reshape(indexSelect(flat, 0, reshape(linear, [numel(bshape)])), [...bshape, ...rest.map((d) => y.shape[d])]);
  const adjacent = dims.every((d, i) => i === 0 || d === dims[i - 1] + 1);
  if (!adjacent || dims[0] === 0) return picked;
  // the indexed dims were side by side: their result dims take their place
  const nb = bshape.length;
  const before = rest.filter((d) => d < dims[0]).length;
  const order = [...Array.from({ length: before }, (_, i) => nb + i), ...Array.from({ length: nb }, (_, i) => i), ...Array.from({ length: picked.ndim - nb - before }, (_, i) => nb + before + i)];
  return permute(picked, order);
}

/** A host check where reading is free (CPU); elsewhere the gather kernel reports a bad index. */
function checkBounds(t: Tensor, size: number, dim: number): void {
  if (t.numel() === 0 || !readsSync(t.device)) return;
  const data = t.dataSync();
  for (const v of data) {
    if (v < -size || v >= size) throw new RangeError(`index: index ${v} is out of bounds for dimension ${dim} with size ${size}`);
  }
}

const INDEX_PUT = signature('indexPut', 'torch.', [['input', is.tensor], ['indices', is.arrayOf(is.any)], ['values', scalarOrTensor]], [['accumulate', is.bool]]);

/**
 * Tensor.index_put: a copy of the input with `values` written (or added, with accumulate) at the positions
 * that `input.index(...indices)` reads. `x.indexPut_([mask], 0)` is PyTorch's `x[mask] = 0`.
 */
export const indexPut = define(INDEX_PUT, ({ input, indices, values, accumulate = false }): Tensor => {
  const positions = advancedIndex(reshape(arange(0, input.numel(), 1, { dtype: 'int32' }), input.shape), indices as AdvancedIndexSpec[]);
  const v = values instanceof Tensor ? values : scalarLike(values, input);
  if (v.dtype !== input.dtype) throw new TypeError(`indexPut: expected values of dtype ${input.dtype} (the input's), got ${v.dtype}`);
  const src = expand(v, broadcastShapes(positions.shape, v.shape, 'indexPut'));
  if (src.ndim !== positions.ndim || src.shape.some((s, i) => s !== positions.shape[i])) {
    throw new RangeError(`indexPut: values ${fmt(v.shape)} cannot be broadcast to the indexed shape ${fmt(positions.shape)}`);
  }
  const n = input.numel();
  const pos = reshape(positions, [positions.numel()]);
  const written = scatterAdd(full([n], 0, input.dtype), 0, pos, reshape(src, [pos.numel()]));
  const flatInput = reshape(input, [n]);
  if (accumulate) return reshape(add(flatInput, written), input.shape);
  const hit = gt(scatterAdd(full([n], 0, 'int32'), 0, pos, full([pos.numel()], 1, 'int32')), 0);
  return reshape(where(hit, written, flatInput), input.shape);
});

/** In place: Tensor.index_put_ (PyTorch's `x[indices] = values`). */
export const indexPut_ = define(signature('indexPut_', 'torch.', INDEX_PUT.required, INDEX_PUT.optional), (v): Tensor =>
  copy_(v.input, indexPut(v.input, v.indices, v.values, v.accumulate ?? false)));

const ONE_HOT = signature('oneHot', 'torch.nn.functional.', [['tensor', is.tensor]], [['numClasses', is.int]]);

/** F.one_hot: class indices (int32) to int32 one-hot vectors along a new last dim; numClasses -1 takes max + 1. */
export const oneHot = define(ONE_HOT, ({ tensor, numClasses = -1 }): Tensor => {
  if (tensor.dtype !== 'int32') throw new TypeError(`oneHot: expected int32 class indices, got ${describe(tensor)}`);
  const data = tensor.dataSync();
  let lo = 0;
  let hi = -1;
  for (const v of data) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (lo < 0) throw new RangeError(`oneHot: class values must be non-negative, got ${lo}`);
  const classes = numClasses === -1 ? hi + 1 : numClasses;
  if (classes < 0 || hi >= classes) throw new RangeError(`oneHot: class values must be smaller than numClasses (${classes}), got ${hi}`);
  return to(eq(unsqueeze(tensor, -1), arange(0, classes, 1, { dtype: 'int32' })), 'int32');
});


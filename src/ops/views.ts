import { record } from '../core/autograd.js';
import { backendOf, findBackend } from '../backends/registry.js';
import { checkDType, DTYPES, isFloating, type DType } from '../core/dtype.js';
import { contiguousStrides, fmt, inferShape, normDim, numel, shapesEqual, type Shape } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { full, kernels, wrap } from './dispatch.js';
import { sumToShape } from './reduce.js';
import { define, is, parseArgs, signature, sizesOf, withSignature } from '../core/args.js';
import { traced } from './trace.js';

/** A tensor sharing `x`'s storage with another geometry. */
function asView(x: Tensor, shape: Shape, strides: readonly number[], offset: number): Tensor {
  return new Tensor(x.storage, shape, x.dtype, strides, offset);
}

/**
 * The gradient of a view that selects part of its input (narrow, select, strided slices): the incoming
 * gradient written into zeros of the input's shape through the same view. Its own gradient is the view.
 */
function viewScatter(g: Tensor, inputShape: Shape, view: (t: Tensor) => Tensor): Tensor {
  const out = full(inputShape, 0, g.dtype, g.device);
  kernels('viewScatter', g).assign(view(out), g, true);
  return record('ViewScatterBackward', out, [g], (gg) => [view(gg)]);
}

function recordView(name: string, out: Tensor, x: Tensor, view: (t: Tensor) => Tensor): Tensor {
  return record(name, out, [x], (g) => [viewScatter(g, x.shape, view)]);
}

function contiguousOf(x: Tensor): Tensor {
  if (x.isContiguous()) return x;
  return cloneOf(x);
}

/** A copy with its own storage; gradients flow through unchanged. */
function cloneOf(x: Tensor): Tensor {
  return traced('identity', [x], {}, () => {
    const out = wrap(kernels('clone', x).copy(x, x.dtype), x.shape, x.dtype);
    return record('CloneBackward0', out, [x], (g) => [g]);
  });
}

/** The same data cut off from the graph. */
function detachOf(x: Tensor): Tensor {
  return asView(x, x.shape, x.strides, x.offset);
}

/**
 * `toOf(dtype)` converts; `toOf(device)` moves to another backend's memory (`'wasm'`, `'webgpu'`), and
 * `toOf(device, dtype)` does both, as torch's Tensor.to. Both are differentiable: the gradient of a move is the
 * incoming gradient moved back.
 */
function toOf(x: Tensor, target: DType | string, dtype?: DType): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`to: expected a Tensor, got ${typeof x}`);
  if (typeof target !== 'string') throw new TypeError(`to: expected a dtype or a device name, got ${typeof target}`);
  if (!(DTYPES as readonly string[]).includes(target)) {
    const moved = move(x, target);
    return dtype === undefined ? moved : toOf(moved, dtype);
  }
  if (dtype !== undefined) throw new TypeError(`to: expected a device before the dtype, got toOf('${target}', '${dtype}')`);
  return convert(x, target as DType);
}

function move(x: Tensor, device: string): Tensor {
  if (device === x.device) return x;
  const src = backendOf(x.device);
  const dst = findBackend(device, 'to');
  if (!src.readSync) throw new Error(`to: a ${x.device} tensor is moved with \`tensor(await t.data())\` on '${device}' (its device has no synchronous reads)`);
  const dense = x.isContiguous() && x.offset === 0 && x.storage.length === x.numel() ? x.storage : src.kernels.copy(x, x.dtype);
  const out = wrap(dst.fromHost(src.readSync(dense), x.dtype), x.shape, x.dtype);
  return record('ToCopyBackward0', out, [x], (g) => [move(g, x.device)]);
}

function convert(x: Tensor, dtype: DType): Tensor {
  checkDType(dtype, 'to');
  if (dtype === x.dtype) return x;
  const out = wrap(kernels('to', x).copy(x, dtype), x.shape, dtype);
  if (!isFloating(dtype)) return out;
  return record('ToCopyBackward0', out, [x], (g) => [convert(g, x.dtype)]);
}

/** Strides for `shape` over `x`'s memory without copying, or null when the memory layout forbids it. */
function viewStrides(x: Tensor, shape: readonly number[]): number[] | null {
  if (x.isContiguous()) return contiguousStrides(shape);
  // group input dims that are mutually contiguous, then split each group into output dims (torch's computeStride)
  const out = new Array<number>(shape.length);
  let viewD = shape.length - 1;
  let chunkBase = x.strides[x.ndim - 1] ?? 1;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = x.ndim - 1; d >= 0; d--) {
    tensorNumel *= x.shape[d];
    if (d === 0 || (x.shape[d - 1] !== 1 && x.strides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || shape[viewD] === 1)) {
        out[viewD] = viewNumel * chunkBase;
        viewNumel *= shape[viewD];
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = x.strides[d - 1];
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  return viewD === -1 ? out : null;
}

/** Same data, new shape, without copying; fails like torch.view when the strides cannot express it. */
function viewOf(x: Tensor, shape: readonly number[]): Tensor {
  const s = inferShape(shape, x.numel(), 'view', x.shape);
  return traced('reshape', [x], { shape: s }, () => viewAs(x, s));
}

function viewAs(x: Tensor, s: Shape): Tensor {
  const strides = numel(s) === 0 ? contiguousStrides(s) : viewStrides(x, s);
  if (!strides) {
    throw new Error(`view: shape ${fmt(s)} is not compatible with the input's size ${fmt(x.shape)} and strides ${fmt(x.strides)}; use reshape (it copies when needed)`);
  }
  const out = asView(x, s, strides, x.offset);
  return record('ViewBackward0', out, [x], (g) => [reshapeOf(g, x.shape)]);
}

/** A view when possible, else a contiguous copy. */
function reshapeOf(x: Tensor, shape: readonly number[]): Tensor {
  const s = inferShape(shape, x.numel(), 'reshape', x.shape);
  if (shapesEqual(s, x.shape)) return x;
  return traced('reshape', [x], { shape: s }, () => (numel(s) === 0 || viewStrides(x, s) ? viewOf(x, s) : viewOf(cloneOf(x), s)));
}

function flattenOf(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshapeOf(x, [1]);
  const s = normDim(startDim, x.ndim, 'flatten');
  const e = normDim(endDim, x.ndim, 'flatten');
  if (s > e) throw new RangeError(`flatten: startDim ${startDim} cannot come after endDim ${endDim}`);
  return traced('flatten', [x], { start: s, end: e }, () => reshapeOf(x, [...x.shape.slice(0, s), numel(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)]));
}

function unflattenOf(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normDim(dim, x.ndim, 'unflatten');
  const inner = inferShape(sizes, x.shape[d], 'unflatten', [x.shape[d]]);
  return reshapeOf(x, [...x.shape.slice(0, d), ...inner, ...x.shape.slice(d + 1)]);
}

function permuteOf(x: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== x.ndim) throw new RangeError(`permute: number of dims ${dims.length} does not match the rank ${x.ndim} of ${fmt(x.shape)}`);
  const d = dims.map((v) => normDim(v, x.ndim, 'permute'));
  if (new Set(d).size !== d.length) throw new RangeError(`permute: repeated dim in ${fmt(dims)}`);
  return traced('permute', [x], { dims: d }, () => permuteAs(x, d));
}

function permuteAs(x: Tensor, d: readonly number[]): Tensor {
  const out = asView(x, d.map((i) => x.shape[i]), d.map((i) => x.strides[i]), x.offset);
  const inverse = new Array<number>(d.length);
  d.forEach((v, i) => (inverse[v] = i));
  return record('PermuteBackward0', out, [x], (g) => [permuteOf(g, inverse)]);
}

function transposeOf(x: Tensor, dim0: number, dim1: number): Tensor {
  if (x.ndim === 0) return x;
  const order = x.shape.map((_, i) => i);
  const a = normDim(dim0, x.ndim, 'transpose');
  const b = normDim(dim1, x.ndim, 'transpose');
  [order[a], order[b]] = [order[b], order[a]];
  return permuteOf(x, order);
}

/** The transpose of a matrix (2-D or fewer dims), as torch.t. */
function tOf(x: Tensor): Tensor {
  if (x.ndim > 2) throw new RangeError(`t: expects a tensor with <= 2 dimensions, got ${fmt(x.shape)}; use transpose`);
  return x.ndim < 2 ? x : transposeOf(x, 0, 1);
}

/** Broadcasts size-1 dims (or new leading dims) to `shape` without copying; -1 keeps a size. */
function expandOf(x: Tensor, shape: readonly number[]): Tensor {
  if (shape.length < x.ndim) throw new RangeError(`expand: the number of sizes ${shape.length} must be >= the rank ${x.ndim} of ${fmt(x.shape)}`);
  const lead = shape.length - x.ndim;
  const strides = new Array<number>(shape.length).fill(0);
  const target = shape.map((s, i) => {
    const src = i >= lead ? x.shape[i - lead] : 1;
    const size = s === -1 ? src : s;
    if (s === -1 && i < lead) throw new RangeError(`expand: -1 is not allowed for a new leading dim (${fmt(shape)})`);
    if (i >= lead) {
      if (src !== size && src !== 1) throw new RangeError(`expand: the expanded size ${size} must match the existing size ${src} at dim ${i} (${fmt(x.shape)} to ${fmt(shape)})`);
      strides[i] = src === size ? x.strides[i - lead] : 0;
    }
    return size;
  });
  if (shapesEqual(target, x.shape)) return x;
  return traced('expand', [x], { shape: target }, () => {
    const out = asView(x, target, strides, x.offset);
    return record('ExpandBackward0', out, [x], (g) => [sumToShape(g, x.shape)]);
  });
}

function expandAsOf(x: Tensor, other: Tensor): Tensor {
  return expandOf(x, other.shape);
}

function squeezeOf(x: Tensor, dim?: number | readonly number[]): Tensor {
  const dims = dim === undefined ? x.shape.map((_, i) => i) : (typeof dim === 'number' ? [dim] : dim).map((d) => normDim(d, x.ndim, 'squeeze'));
  const keep = x.shape.map((s, i) => !(s === 1 && dims.includes(i)));
  if (keep.every(Boolean)) return x;
  return traced('squeeze', [x], { dims: keep.flatMap((k, i) => (k ? [] : [i])) }, () => {
    const out = asView(x, x.shape.filter((_, i) => keep[i]), x.strides.filter((_, i) => keep[i]), x.offset);
    return record('SqueezeBackward0', out, [x], (g) => [reshapeOf(g, x.shape)]);
  });
}

function unsqueezeOf(x: Tensor, dim: number): Tensor {
  const d = normDim(dim, x.ndim + 1, 'unsqueeze');
  const shape = [...x.shape.slice(0, d), 1, ...x.shape.slice(d)];
  const stride = d < x.ndim ? x.strides[d] * x.shape[d] : 1;
  return traced('unsqueeze', [x], { dim: d }, () => {
    const out = asView(x, shape, [...x.strides.slice(0, d), stride, ...x.strides.slice(d)], x.offset);
    return record('UnsqueezeBackward0', out, [x], (g) => [reshapeOf(g, x.shape)]);
  });
}

/** Elements start..start+length-1 along dim (a view). */
function narrowOf(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normDim(dim, x.ndim, 'narrow');
  const size = x.shape[d];
  const s = start < 0 ? start + size : start;
  if (!Number.isInteger(s) || !Number.isInteger(length) || s < 0 || length < 0 || s + length > size) {
    throw new RangeError(`narrow: start ${start} and length ${length} exceed dim ${d} of size ${size} (shape ${fmt(x.shape)})`);
  }
  return sliceOf(x, d, s, s + length, 1);
}

/** Python's x[..., start:end:step, ...] along one dim (a view); bounds are clamped as Python slices are. */
function sliceOf(x: Tensor, dim: number, start = 0, end = Infinity, step = 1): Tensor {
  const d = normDim(dim, x.ndim, 'slice');
  if (!Number.isInteger(step) || step <= 0) throw new RangeError(`slice: step must be a positive integer, got ${step}`);
  const size = x.shape[d];
  const clampIdx = (i: number): number => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
  const s = clampIdx(start);
  const e = Math.max(clampIdx(end), s);
  const shape = x.shape.slice();
  shape[d] = Math.ceil((e - s) / step);
  const strides = x.strides.slice();
  strides[d] = x.strides[d] * step;
  const fn = (t: Tensor): Tensor => sliceOf(t, d, s, e, step);
  return traced('slice', [x], { dim: d, start: s, end: e, step }, () => recordView('SliceBackward0', asView(x, shape, strides, x.offset + s * x.strides[d]), x, fn));
}

/** x[..., index, ...]: removes dim (a view). */
function selectOf(x: Tensor, dim: number, index: number): Tensor {
  const d = normDim(dim, x.ndim, 'select');
  const size = x.shape[d];
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new RangeError(`select: index ${index} is out of bounds for dim ${d} with size ${size} (shape ${fmt(x.shape)})`);
  }
  const i = index < 0 ? index + size : index;
  return traced('select', [x], { dim: d, index: i }, () => {
    const out = asView(x, x.shape.filter((_, k) => k !== d), x.strides.filter((_, k) => k !== d), x.offset + i * x.strides[d]);
    return recordView('SelectBackward0', out, x, (t) => selectOf(t, d, i));
  });
}

/** One entry of `index(...)`: a number selects, [start, end?, step?] slices, null keeps the dim, '...' fills the rest. */
export type IndexSpec = number | null | '...' | readonly [number?, number?, number?];

/** Integer and range indexing, like Python's x[0, 1:3, ::2, ...]. */
export function index(x: Tensor, ...specs: IndexSpec[]): Tensor {
  const ellipsis = specs.indexOf('...');
  if (specs.lastIndexOf('...') !== ellipsis) throw new RangeError('index: an index can only have a single ellipsis');
  const explicit = specs.length - (ellipsis >= 0 ? 1 : 0);
  if (explicit > x.ndim) throw new RangeError(`index: too many indices (${explicit}) for a tensor of rank ${x.ndim}`);
  const full: IndexSpec[] = ellipsis >= 0
    ? [...specs.slice(0, ellipsis), ...new Array<IndexSpec>(x.ndim - explicit).fill(null), ...specs.slice(ellipsis + 1)]
    : specs;
  let out = x;
  let dim = 0;
  for (const spec of full) {
    if (typeof spec === 'number') out = selectOf(out, dim, spec);
    else if (Array.isArray(spec)) out = sliceOf(out, dim++, spec[0] ?? 0, spec[1] ?? Infinity, spec[2] ?? 1);
    else if (spec === null) dim++;
    else throw new TypeError(`index: unsupported index ${JSON.stringify(spec)}`);
  }
  return out;
}

// The public forms, with torch's parameter lists; the view code above calls the plain functions.
const INPUT = [['input', is.tensor]] as const;
/** Views that take torch's `*shape` (x.view(-1, 800) or x.view([-1, 800])). */
type ShapeFn = (input: Tensor, ...shape: (number | readonly number[])[]) => Tensor;
function shaped(name: string, torch: string | null, what: string, fn: (x: Tensor, shape: readonly number[]) => Tensor): ShapeFn {
  const sig = signature(name, torch, INPUT, [], [], [what, is.intOrTuple]);
  const f = (...args: unknown[]): Tensor => {
    const v = parseArgs(sig, args) as { input: Tensor } & Record<string, (number | readonly number[])[] | undefined>;
    if (v[what] === undefined) throw new TypeError(`${name}: missing required argument ${what} (e.g. ${name}(x, 2, 3) or ${name}(x, [2, 3]))`);
    return fn(v.input, sizesOf(name, what, v[what]));
  };
  Object.defineProperty(f, 'name', { value: name });
  return withSignature(f, sig) as ShapeFn;
}

export const contiguous = define(signature('contiguous', null, INPUT, []), ({ input }) => contiguousOf(input));
/** A copy with its own storage; gradients flow through unchanged. */
export const clone = define(signature('clone', 'torch.', INPUT, []), ({ input }) => cloneOf(input));
/** The same data cut off from the graph. */
export const detach = define(signature('detach', 'torch.', INPUT, []), ({ input }) => detachOf(input));
/**
 * `to(x, dtype)` converts; `to(x, device)` moves to another backend's memory (`'wasm'`, `'webgpu'`), and
 * `to(x, device, dtype)` does both, as torch's Tensor.to.
 */
export const to = define(
  signature('to', null, [...INPUT, ['target', is.string]], [['dtype', is.nullable(is.string)]]),
  ({ input, target, dtype }) => toOf(input, target, (dtype ?? undefined) as DType | undefined),
);
/** Same data, new shape, without copying; fails like torch.view when the strides cannot express it. */
export const view = shaped('view', null, 'shape', viewOf);
/** A view when possible, else a contiguous copy. */
export const reshape = shaped('reshape', 'torch.', 'shape', reshapeOf);
export const permute = shaped('permute', 'torch.', 'dims', permuteOf);
/** Broadcasts size-1 dims (or new leading dims) to `size` without copying; -1 keeps a size. */
export const expand = shaped('expand', null, 'size', expandOf);
export const flatten = define(signature('flatten', 'torch.', INPUT, [['startDim', is.int], ['endDim', is.int]]), ({ input, startDim, endDim }) => flattenOf(input, startDim, endDim));
export const unflatten = define(signature('unflatten', 'torch.', [...INPUT, ['dim', is.int], ['sizes', is.ints]], []), ({ input, dim, sizes }) => unflattenOf(input, dim, sizes));
export const transpose = define(signature('transpose', 'torch.', [...INPUT, ['dim0', is.int], ['dim1', is.int]], []), ({ input, dim0, dim1 }) => transposeOf(input, dim0, dim1));
/** The transpose of a matrix (2-D or fewer dims), as torch.t. */
export const t = define(signature('t', 'torch.', INPUT, []), ({ input }) => tOf(input));
export const expandAs = define(signature('expandAs', null, [...INPUT, ['other', is.tensor]], []), ({ input, other }) => expandAsOf(input, other));
export const squeeze = define(signature('squeeze', 'torch.', INPUT, [['dim', is.nullable(is.dims)]]), ({ input, dim }) => squeezeOf(input, dim ?? undefined));
export const unsqueeze = define(signature('unsqueeze', 'torch.', [...INPUT, ['dim', is.int]], []), ({ input, dim }) => unsqueezeOf(input, dim));
/** Elements start..start+length-1 along dim (a view). */
export const narrow = define(
  signature('narrow', 'torch.', [...INPUT, ['dim', is.int], ['start', is.int], ['length', is.int]], []),
  ({ input, dim, start, length }) => narrowOf(input, dim, start, length),
);
/** Python's x[..., start:end:step, ...] along one dim (a view); bounds are clamped as Python slices are (null: to the end). */
export const slice = define(
  signature('slice', null, [...INPUT, ['dim', is.int]], [['start', is.nullable(is.int)], ['end', is.nullable(is.number)], ['step', is.int]]),
  ({ input, dim, start, end, step }) => sliceOf(input, dim, start ?? 0, end ?? Infinity, step),
);
/** x[..., index, ...]: removes dim (a view). */
export const select = define(signature('select', 'torch.', [...INPUT, ['dim', is.int], ['index', is.int]], []), ({ input, dim, index: i }) => selectOf(input, dim, i));

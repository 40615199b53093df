/** Shape arithmetic shared by every op: sizes, strides, broadcasting and dim normalisation. */
export type Shape = readonly number[];

export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function fmt(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function checkShape(shape: unknown, op: string): number[] {
  if (!Array.isArray(shape)) throw new TypeError(`${op}: expected a shape (array of sizes), got ${String(shape)}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new RangeError(`${op}: invalid shape ${JSON.stringify(shape)}: sizes must be non-negative integers`);
  }
  const n = shape.reduce((a: number, b: number) => a * b, 1);
  if (n > MAX_ELEMENTS) throw new RangeError(`${op}: shape ${JSON.stringify(shape)} has ${n} elements, more than the ${MAX_ELEMENTS} one tensor can hold`);
  return shape.slice();
}

/** The largest typed array V8 allocates (2^32 - 1 elements); a bigger shape is refused with its op's name. */
export const MAX_ELEMENTS = 2 ** 32 - 1;

/** NumPy/PyTorch broadcasting: align right, sizes must match or be 1. */
export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(`${op}: shapes ${fmt(a)} and ${fmt(b)} cannot be broadcast together (dim ${i}: ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides that read a tensor of `shape`/`strides` as if it had `target` shape (stride 0 on broadcast dims). */
export function broadcastStrides(shape: Shape, strides: readonly number[], target: Shape): number[] {
  const out = new Array<number>(target.length).fill(0);
  const off = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[off + i] = shape[i] === 1 && target[off + i] !== 1 ? 0 : strides[i];
  return out;
}

/** Wraps a possibly negative dim into [0, rank); rank 0 accepts dims -1 and 0 as PyTorch does. */
export function normDim(dim: number, rank: number, op: string): number {
  const r = Math.max(rank, 1);
  if (!Number.isInteger(dim) || dim < -r || dim >= r) {
    throw new RangeError(`${op}: dim ${dim} out of range for a tensor of rank ${rank} (expected ${-r}..${r - 1})`);
  }
  return dim < 0 ? dim + r : dim;
}

export function normDims(dims: number | readonly number[] | undefined, rank: number, op: string): number[] {
  if (dims === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof dims === 'number' ? [dims] : dims;
  const out = list.map((d) => normDim(d, rank, op));
  if (new Set(out).size !== out.length) throw new RangeError(`${op}: dim ${JSON.stringify(dims)} repeats a dimension`);
  return out.sort((x, y) => x - y);
}

/** Resolves one -1 in a requested shape against the element count. */
export function inferShape(shape: readonly number[], total: number, op: string, from: Shape): number[] {
  const out = shape.slice();
  const neg = out.indexOf(-1);
  if (out.filter((d) => d === -1).length > 1) throw new RangeError(`${op}: only one dimension can be -1, got ${fmt(shape)}`);
  for (const d of out) {
    if (d !== -1 && (!Number.isInteger(d) || d < 0)) throw new RangeError(`${op}: invalid size ${d} in ${fmt(shape)}`);
  }
  if (neg >= 0) {
    const rest = numel(out.filter((_, i) => i !== neg));
    if (rest === 0 || total % rest !== 0) throw new RangeError(`${op}: shape ${fmt(shape)} is invalid for input ${fmt(from)} of size ${total}`);
    out[neg] = total / rest;
  }
  if (numel(out) !== total) throw new RangeError(`${op}: shape ${fmt(shape)} is invalid for input ${fmt(from)} of size ${total}`);
  return out;
}

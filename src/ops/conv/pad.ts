import { traced } from '../trace.js';
import { record } from '../../core/autograd.js';
import { define, is, signature } from '../../core/args.js';
import { fmt } from '../../core/shape.js';
import { Tensor } from '../../core/tensor.js';
import { tensor } from '../creation.js';
import { describe, full, kernels } from '../dispatch.js';
import { gather } from '../indexing.js';
import { expand, narrow, reshape } from '../views.js';

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

export interface PadOptions {
  mode?: PadMode;
  /** The fill value of 'constant' mode. */
  value?: number;
}

/** Where output position i of a padded dim reads its input (p = i - before is the position relative to the input). */
const SOURCE: Record<Exclude<PadMode, 'constant'>, (p: number, n: number) => number> = {
  reflect: (p, n) => (p < 0 ? -p : p >= n ? 2 * (n - 1) - p : p),
  replicate: (p, n) => Math.min(Math.max(p, 0), n - 1),
  circular: (p, n) => ((p % n) + n) % n,
};

/** The (before, after) pairs of `pad`, listed from the last dim backwards as PyTorch's pad order, as [dim, before, after]. */
function padPairs(x: Tensor, pad: readonly number[]): [number, number, number][] {
  if (!Array.isArray(pad) || pad.length % 2 !== 0 || pad.some((p) => !Number.isInteger(p))) {
    throw new RangeError(`pad: expected an even-length list of integers (before, after for the last dim first), got ${JSON.stringify(pad)}`);
  }
  if (pad.length / 2 > x.ndim) throw new RangeError(`pad: ${pad.length / 2} padded dims is too many for an input of shape ${fmt(x.shape)}`);
  return Array.from({ length: pad.length / 2 }, (_, i) => [x.ndim - 1 - i, pad[2 * i], pad[2 * i + 1]]);
}

/**
 * torch.nn.functional.pad: `pad` lists (before, after) pairs from the last dim backwards, so [1, 1, 2, 0]
 * pads the last dim by 1 on both sides and the one before it by 2 at the start. Negative values crop.
 */
function padImpl(input: Tensor, pad: readonly number[], opts: PadOptions = {}): Tensor {
  if (!(input instanceof Tensor)) throw new TypeError(`pad: expected a Tensor, got ${describe(input)}`);
  const mode = opts.mode ?? 'constant';
  const pairs = padPairs(input, pad);
  for (const [dim, before, after] of pairs) {
    const size = input.shape[dim] + before + after;
    if (size < 0) throw new RangeError(`pad: dim ${dim} of size ${input.shape[dim]} padded by (${before}, ${after}) would have negative size ${size} (input ${fmt(input.shape)})`);
  }
  return traced('pad', [input], { mode, pairs, value: opts.value ?? 0 }, () => padChecked(input, pairs, mode, opts));
}

function padChecked(input: Tensor, pairs: [number, number, number][], mode: PadMode, opts: PadOptions): Tensor {
  if (mode === 'constant') return constantPad(input, pairs, opts.value ?? 0);
  if (!(mode in SOURCE)) throw new RangeError(`pad: unknown mode '${String(mode)}', expected 'constant', 'reflect', 'replicate' or 'circular'`);
  if (opts.value !== undefined && opts.value !== 0) throw new RangeError(`pad: a padding value (${opts.value}) only applies to mode 'constant', got mode '${mode}'`);
  checkIndexedPad(input, pairs, mode);
  return pairs.reduce((x, [dim, before, after]) => indexedPad(x, dim, before, after, SOURCE[mode]), input);
}

/** Reflect, replicate and circular pad the last 1 to 3 dims of an unbatched or batched input, within the sizes they can reach. */
function checkIndexedPad(x: Tensor, pairs: readonly [number, number, number][], mode: Exclude<PadMode, 'constant'>): void {
  const k = pairs.length;
  if (k > 3 || (x.ndim !== k + 1 && x.ndim !== k + 2)) {
    throw new RangeError(`pad: mode '${mode}' pads the last 1 to 3 dims of a [C, ...] or [N, C, ...] input: ${k} padded dims need a ${k + 1}-D or ${k + 2}-D input, got ${fmt(x.shape)}`);
  }
  for (const [dim, before, after] of pairs) {
    const n = x.shape[dim];
    const limit = mode === 'reflect' ? n - 1 : mode === 'circular' ? n : Infinity;
    if (n === 0 || Math.max(before, after) > limit) {
      const rule = mode === 'reflect' ? 'smaller than' : mode === 'circular' ? 'at most' : 'used with a non-empty';
      throw new RangeError(`pad: mode '${mode}' padding (${before}, ${after}) must be ${rule} the size ${n} of dim ${dim} (input ${fmt(x.shape)})`);
    }
  }
}

/** Pads one dim by reading input positions through `source`: a gather, whose gradient adds the copies back up. */
function indexedPad(x: Tensor, dim: number, before: number, after: number, source: (p: number, n: number) => number): Tensor {
  const n = x.shape[dim];
  const out = n + before + after;
  const map = Array.from({ length: out }, (_, i) => source(i - before, n));
  const lineShape = x.shape.map((_, d) => (d === dim ? out : 1));
  const index = expand(reshape(tensor(map, { dtype: 'int32', device: x.device }), lineShape), x.shape.map((s, d) => (d === dim ? out : s)));
  return gather(x, dim, index);
}

/** Crops negative padding, then writes the input into a tensor filled with `value`; the gradient is the inner window. */
function constantPad(x: Tensor, pairs: readonly [number, number, number][], value: number): Tensor {
  const cropped = pairs.reduce((t, [dim, before, after]) => narrow(t, dim, Math.max(-before, 0), t.shape[dim] + Math.min(before, 0) + Math.min(after, 0)), x);
  const shape = cropped.shape.slice();
  for (const [dim, before, after] of pairs) shape[dim] += Math.max(before, 0) + Math.max(after, 0);
  const inner = (t: Tensor): Tensor => pairs.reduce((v, [dim, before]) => narrow(v, dim, Math.max(before, 0), cropped.shape[dim]), t);
  const out = full(shape, value, x.dtype, x.device);
  kernels('pad', cropped).assign(inner(out), cropped, false);
  return record('ConstantPadNdBackward0', out, [cropped], (g) => [inner(g)]);
}

const PAD_SIG = signature('pad', 'torch.nn.functional.', [['input', is.tensor], ['pad', is.ints]], [['mode', is.oneOf('constant', 'reflect', 'replicate', 'circular')], ['value', is.nullable(is.number)]]);
export const pad = define(PAD_SIG, ({ input, pad, mode, value }) => padImpl(input, pad, { mode, value: value ?? undefined }));

/**
 * Ordering ops: sort, argsort, topk and unique. One kernel (`argsort`) orders; values are gathered from the
 * input with the positions it returns, so their gradient is gather's (scattered back to where each value came
 * from) and no sorting gradient has to be written.
 */
import { currentBackend } from '../backends/registry.js';
import { define, is, signature } from '../core/args.js';
import { allocArray } from '../core/dtype.js';
import { fmt, normDim } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { kernels, wrap } from './dispatch.js';
import { gather, indexSelect } from './indexing.js';
import { noGrad } from '../core/autograd.js';
import { valuesIndices, type ValuesIndices } from './reduce.js';
import { narrow, reshape } from './views.js';

/** int32 positions ordering x along d (x has at least one dim). */
function orderAlong(op: string, x: Tensor, d: number, descending: boolean): Tensor {
  const k = kernels(op, x);
  if (!k.argsort) throw new Error(`${op}: not supported on the '${currentBackend().name}' backend (no argsort kernel); move the tensor to the CPU with the 'reference' or 'wasm' backend`);
  return wrap(k.argsort(x, d, descending), x.shape, 'int32');
}

/** Runs `fn` on a 1-element view of a 0-d tensor, as PyTorch treats scalars as one-element lines. */
function lineView(x: Tensor): Tensor {
  return x.ndim === 0 ? reshape(x, [1]) : x;
}

const SORT = signature('sort', 'torch.', [['input', is.tensor]], [['dim', is.int], ['descending', is.bool], ['stable', is.bool]]);

/** torch.sort: [values, indices] along dim (default the last); NaN sorts last (first when descending). */
export const sort = define(SORT, ({ input, dim = -1, descending = false }): ValuesIndices => {
  const x = lineView(input);
  const d = normDim(dim, input.ndim, 'sort');
  const indices = orderAlong('sort', x, d, descending);
  const values = gather(x, d, indices);
  return input.ndim === 0 ? valuesIndices(reshape(values, []), reshape(indices, [])) : valuesIndices(values, indices);
});

const ARGSORT = signature('argsort', 'torch.', [['input', is.tensor]], [['dim', is.int], ['descending', is.bool], ['stable', is.bool]]);

/** torch.argsort: the int32 positions that sort the input along dim. */
export const argsort = define(ARGSORT, ({ input, dim = -1, descending = false }): Tensor => {
  const d = normDim(dim, input.ndim, 'argsort');
  return reshape(orderAlong('argsort', lineView(input), d, descending), input.shape);
});

const TOPK = signature('topk', 'torch.', [['input', is.tensor], ['k', is.int]], [['dim', is.int], ['largest', is.bool], ['sorted', is.bool]]);

/** torch.topk: the k largest (or smallest) entries along dim and their positions, largest first. */
export const topk = define(TOPK, ({ input, k, dim = -1, largest = true }): ValuesIndices => {
  const x = lineView(input);
  const d = normDim(dim, input.ndim, 'topk');
  const size = x.shape[d];
  if (k < 0 || k > size) throw new RangeError(`topk: k (${k}) is out of range for dimension ${d} of size ${size} (shape ${fmt(input.shape)})`);
  const indices = narrow(orderAlong('topk', x, d, largest), d, 0, k);
  const values = gather(x, d, indices);
  return input.ndim === 0 ? valuesIndices(reshape(values, []), reshape(indices, [])) : valuesIndices(values, indices);
});

const UNIQUE = signature('unique', 'torch.', [['input', is.tensor]], [['sorted', is.bool], ['returnInverse', is.bool], ['returnCounts', is.bool], ['dim', is.nullable(is.int)]]);

/** unique's result: the values alone, or [values, inverse?, counts?] when either flag is set (as PyTorch's tuple). */
export type UniqueResult = Tensor | Tensor[];

/**
 * torch.unique over all elements (dim null; a dim compares whole slices): the distinct values in ascending order (PyTorch allows sorted
 * output for sorted=false too), with the position of each input element in them and how often each occurs.
 * The output's size depends on the values, so the input is read on the host, as PyTorch synchronises here.
 */
export const unique = define(UNIQUE, ({ input, returnInverse = false, returnCounts = false, dim = null }): UniqueResult => {
  if (dim !== null) return uniqueAlong(input, normDim(dim, input.ndim, 'unique'), returnInverse, returnCounts);
  const data = input.dataSync();
  // NaN last and each NaN its own value, as torch.unique (NaN != NaN)
  const key = (v: number): number => (Number.isNaN(v) ? Infinity : v);
  const order = Array.from(data.keys()).sort((i, j) => key(data[i]) - key(data[j]) || Number(Number.isNaN(data[i])) - Number(Number.isNaN(data[j])) || i - j);
  const values: number[] = [];
  const counts: number[] = [];
  const inverse = new Int32Array(data.length);
  for (const i of order) {
    const v = data[i];
    if (values.length === 0 || values[values.length - 1] !== v) {
      values.push(v);
      counts.push(0);
    }
    counts[counts.length - 1]++;
    inverse[i] = values.length - 1;
  }
  const be = currentBackend();
  const out = allocArray(input.dtype, values.length);
  out.set(values);
  const result = wrap(be.fromHost(out, input.dtype), [values.length], input.dtype);
  if (!returnInverse && !returnCounts) return result;
  const parts = [result];
  if (returnInverse) parts.push(wrap(be.fromHost(inverse, 'int32'), input.shape, 'int32'));
  if (returnCounts) parts.push(wrap(be.fromHost(Int32Array.from(counts), 'int32'), [counts.length], 'int32'));
  return parts;
});

/**
 * torch.unique with dim: the distinct slices along dim, in lexicographic order of their elements (row-major
 * within each slice), with the slice each input slice became and how often each occurs.
 */
function uniqueAlong(input: Tensor, d: number, returnInverse: boolean, returnCounts: boolean): UniqueResult {
  const n = input.shape[d];
  const rows = reshape(input.transpose(0, d).contiguous(), [n, n === 0 ? 0 : input.numel() / n]);
  const data = rows.dataSync();
  const width = rows.shape[1];
  const compare = (i: number, j: number): number => {
    for (let k = 0; k < width; k++) {
      const diff = data[i * width + k] - data[j * width + k];
      if (diff !== 0) return diff;
    }
    return 0;
  };
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => compare(i, j) || i - j);
  const firsts: number[] = [];
  const counts: number[] = [];
  const inverse = new Int32Array(n);
  for (const i of order) {
    if (firsts.length === 0 || compare(firsts[firsts.length - 1], i) !== 0) {
      firsts.push(i);
      counts.push(0);
    }
    counts[counts.length - 1]++;
    inverse[i] = firsts.length - 1;
  }
  const be = currentBackend();
  const picks = wrap(be.fromHost(Int32Array.from(firsts), 'int32'), [firsts.length], 'int32');
  const result = noGrad(() => indexSelect(input, d, picks));
  if (!returnInverse && !returnCounts) return result;
  const parts = [result];
  if (returnInverse) parts.push(wrap(be.fromHost(inverse, 'int32'), [n], 'int32'));
  if (returnCounts) parts.push(wrap(be.fromHost(Int32Array.from(counts), 'int32'), [counts.length], 'int32'));
  return parts;
}

/**
 * Rearranging and accumulating ops written from views, cat, gather and matmul (their gradients come with
 * them): repeat, flip, roll, cumsum, mm, bmm and the .T / .mT transposes.
 */
import { define, is, parseArgs, signature, sizesOf, withSignature } from '../core/args.js';
import { isFloating } from '../core/dtype.js';
import { fmt, normDim, normDims } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { arange } from './creation.js';
import { full } from './dispatch.js';
import { add } from './elementwise.js';
import { cat, indexSelect } from './indexing.js';
import { matmul } from './matmul.js';
import { narrow, permute, reshape, t as transpose2d, to, transpose, expand } from './views.js';

/** Tensor.repeat: tiles the tensor `repeats[i]` times along dim i (leading new dims when there are more repeats). */
const REPEAT = signature('repeat', null, [['input', is.tensor]], [], [], ['repeats', is.intOrTuple]);
export function repeat(x: Tensor, ...repeats: (number | readonly number[])[]): Tensor {
  const v = parseArgs(REPEAT, [x, ...repeats]) as { input: Tensor; repeats?: (number | readonly number[])[] };
  const reps = sizesOf('repeat', 'repeats', v.repeats);
  if (reps.length < x.ndim) throw new RangeError(`repeat: number of repeat dims (${reps.length}) can not be smaller than the number of tensor dims (${x.ndim}, shape ${fmt(x.shape)})`);
  if (reps.some((r) => r < 0)) throw new RangeError(`repeat: repeats must be non-negative, got ${fmt(reps)}`);
  const shape = [...new Array<number>(reps.length - x.ndim).fill(1), ...x.shape];
  // each dim becomes a pair (repeat, size): broadcast the repeat, then merge the pair
  const paired = reshape(x, shape.flatMap((s) => [1, s]));
  const tiled = expand(paired, shape.flatMap((s, i) => [reps[i], s]));
  return reshape(tiled, shape.map((s, i) => s * reps[i]));
}

/** torch.flip: reverses the order of elements along the given dims (a copy, as in PyTorch). */
const FLIP = signature('flip', 'torch.', [['input', is.tensor]], [], [], ['dims', is.intOrTuple]);
export function flip(x: Tensor, ...dims: (number | readonly number[])[]): Tensor {
  const v = parseArgs(FLIP, [x, ...dims]) as { input: Tensor; dims?: (number | readonly number[])[] };
  if (v.dims === undefined) throw new TypeError('flip: missing required argument dims');
  const list = normDims(sizesOf('flip', 'dims', v.dims), x.ndim, 'flip');
  return list.reduce((acc, d) => {
    const n = acc.shape[d];
    return n < 2 ? acc : indexSelect(acc, d, arange(n - 1, -1, -1, { dtype: 'int32' }));
  }, x);
}

const ROLL = signature('roll', 'torch.', [['input', is.tensor], ['shifts', is.intOrTuple]], [['dims', is.nullable(is.intOrTuple)]]);

/** torch.roll: shifts elements along dims, wrapping around; without dims the flattened tensor rolls. */
export const roll = define(ROLL, ({ input, shifts, dims = null }): Tensor => {
  const shiftList = typeof shifts === 'number' ? [shifts] : [...shifts];
  if (dims === null) {
    if (shiftList.length !== 1) throw new RangeError(`roll: without dims, shifts must be one number, got ${fmt(shiftList)}`);
    return reshape(rollAlong(reshape(input, [input.numel()]), 0, shiftList[0]), input.shape);
  }
  const dimList = typeof dims === 'number' ? [dims] : [...dims];
  if (dimList.length !== shiftList.length) throw new RangeError(`roll: shifts ${fmt(shiftList)} and dims ${fmt(dimList)} must have the same length`);
  return dimList.reduce((acc, d, i) => rollAlong(acc, normDim(d, input.ndim, 'roll'), shiftList[i]), input);
});

function rollAlong(x: Tensor, d: number, shift: number): Tensor {
  const n = x.shape[d];
  const s = n === 0 ? 0 : ((shift % n) + n) % n;
  if (s === 0) return x;
  return cat([narrow(x, d, n - s, s), narrow(x, d, 0, n - s)], d);
}

const CUMSUM = signature('cumsum', 'torch.', [['input', is.tensor], ['dim', is.int]], []);

/**
 * torch.cumsum: running sums along dim, by log2(n) shifted additions (Hillis-Steele), so every step is one
 * add of the whole tensor. Integer and bool inputs give int32 (PyTorch's int64).
 */
export const cumsum = define(CUMSUM, ({ input, dim }): Tensor => {
  const d = normDim(dim, input.ndim, 'cumsum');
  let y = to(input, isFloating(input.dtype) ? input.dtype : 'int32');
  if (y.ndim === 0) return y;
  const n = y.shape[d];
  for (let k = 1; k < n; k *= 2) {
    const zeros = full(y.shape.map((s, i) => (i === d ? k : s)), 0, y.dtype);
    y = add(y, cat([zeros, narrow(y, d, 0, n - k)], d));
  }
  return y;
});

const MM = signature('mm', 'torch.', [['input', is.tensor], ['mat2', is.tensor]], []);

/** torch.mm: the product of two matrices (no broadcasting; matmul broadcasts). */
export const mm = define(MM, ({ input, mat2 }): Tensor => {
  if (input.ndim !== 2 || mat2.ndim !== 2) throw new RangeError(`mm: expected two 2-D tensors, got ${fmt(input.shape)} and ${fmt(mat2.shape)}`);
  return matmul(input, mat2);
});

const BMM = signature('bmm', 'torch.', [['input', is.tensor], ['mat2', is.tensor]], []);

/** torch.bmm: batched products of [B, n, m] and [B, m, p] (same batch size, no broadcasting). */
export const bmm = define(BMM, ({ input, mat2 }): Tensor => {
  if (input.ndim !== 3 || mat2.ndim !== 3) throw new RangeError(`bmm: expected two 3-D tensors, got ${fmt(input.shape)} and ${fmt(mat2.shape)}`);
  if (input.shape[0] !== mat2.shape[0]) throw new RangeError(`bmm: batch sizes differ: ${fmt(input.shape)} and ${fmt(mat2.shape)}`);
  return matmul(input, mat2);
});

/** Tensor.T: the dims reversed (the transpose of a matrix). */
export function reversedDims(x: Tensor): Tensor {
  return x.ndim <= 2 ? transpose2d(x) : permute(x, x.shape.map((_, i) => x.ndim - 1 - i));
}

/** Tensor.mT: the last two dims swapped (a batch of matrices transposed). */
export function matrixTranspose(x: Tensor): Tensor {
  if (x.ndim < 2) throw new RangeError(`mT: expected a tensor with at least 2 dimensions, got ${fmt(x.shape)}`);
  return transpose(x, -2, -1);
}

withSignature(repeat, REPEAT);
withSignature(flip, FLIP);

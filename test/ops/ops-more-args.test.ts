/**
 * The new ops' arguments: PyTorch's positional form and the options form agree, and wrong arguments are refused
 * with an error naming the callable, the parameter and what came. Values come from small hand-checked cases.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';

const F = ck.nn.functional;
const int = (v: number[] | number[][]): ck.Tensor => ck.tensor(v, { dtype: 'int32' });
const same = (a: ck.Tensor | readonly ck.Tensor[], b: ck.Tensor | readonly ck.Tensor[]): void => {
  const as: readonly ck.Tensor[] = a instanceof ck.Tensor ? [a] : a;
  const bs: readonly ck.Tensor[] = b instanceof ck.Tensor ? [b] : b;
  assert.deepEqual(as.map((t) => t.toArray()), bs.map((t) => t.toArray()));
};

test('positional and options forms agree', () => {
  const x = ck.tensor([[3, 1, 2], [0, 5, 4]]);
  same(ck.sort(x, 0, true), ck.sort(x, { dim: 0, descending: true }));
  same(ck.argsort(x, 1, true), x.argsort({ dim: 1, descending: true }));
  same(ck.topk(x, 2, 1, false, true), x.topk(2, { dim: 1, largest: false, sorted: true }));
  same(ck.unique(x, true, true) as ck.Tensor[], ck.unique(x, { sorted: true, returnInverse: true }) as ck.Tensor[]);
  same(ck.roll(x, 1, 0), x.roll(1, { dims: 0 }));
  same(ck.cumsum(x, 1), x.cumsum(1));
  same(ck.norm(x, 1, 1, true), x.norm({ p: 1, dim: 1, keepdim: true }));
  same(F.normalize(x, 1, 0, 1e-6), F.normalize(x, { p: 1, dim: 0, eps: 1e-6 }));
  same(F.oneHot(int([0, 2]), 3), F.oneHot(int([0, 2]), { numClasses: 3 }));
  same(ck.scatter(x, 1, int([[0], [1]]), 9), x.scatter(1, int([[0], [1]]), 9));
  same(ck.indexPut(x, [x.gt(2)], 0, false), x.indexPut([x.gt(2)], 0, { accumulate: false }));
  same(ck.index(x, x.gt(2)), x.index(x.gt(2)));
  same(ck.index(x, 1, [0, 2]), x.index(1, [0, 2]));
  same(ck.nonzero(x, { asTuple: true }) as ck.Tensor[], x.nonzero({ asTuple: true }) as ck.Tensor[]);
  const img = ck.arange(0, 16).float().reshape([1, 1, 4, 4]);
  same(F.interpolate(img, null, 2, 'bilinear', true), F.interpolate(img, { scaleFactor: 2, mode: 'bilinear', alignCorners: true }));
  same(F.layerNorm(img, [4, 4], null, null, 1e-3), F.layerNorm(img, [4, 4], { eps: 1e-3 }));
  same(F.groupNorm(img, 1, null, null, 1e-3), F.groupNorm(img, 1, { eps: 1e-3 }));
  same(F.pixelUnshuffle(img, 2), F.pixelShuffle(F.pixelShuffle(F.pixelUnshuffle(F.pixelUnshuffle(img, 2), 1), 1), 1));
  same(F.instanceNorm(img, null, null, null, null, true, 0.1, 1e-3), F.instanceNorm(img, { eps: 1e-3 }));
  same(F.hardswish(img, false), F.hardswish(img, { inplace: false }));
  same(F.mish(img, false), F.mish(img, { inplace: false }));
  same(F.hardsigmoid(img, false), F.hardsigmoid(img, { inplace: false }));
  same(x.repeat(2, 1), x.repeat([2, 1]));
  same(x.flip(0, 1), ck.flip(x, [0, 1]));
  same(ck.maskedSelect(x, x.gt(2)), x.maskedSelect(x.gt(2)));
  same(ck.nn.Embedding.fromPretrained(img.reshape([4, 4]), false, 1).weight, ck.nn.Embedding.fromPretrained(img.reshape([4, 4]), { freeze: false, paddingIdx: 1 }).weight);
  same(F.embedding(int([1]), img.reshape([4, 4]), 0), F.embedding(int([1]), img.reshape([4, 4]), { paddingIdx: 0 }));
});

test('wrong arguments are refused, naming the op, the parameter and what came', () => {
  const x = ck.tensor([[3, 1, 2], [0, 5, 4]]);
  assert.throws(() => ck.sort(x, { dims: 0 } as never), /sort: unknown option 'dims' \(did you mean 'dim'\?\)/);
  assert.throws(() => ck.topk(x, '2' as never), /topk: .*k.* an integer, got '2' \(a string\)/);
  assert.throws(() => x.topk(4), /topk: k \(4\) is out of range for dimension 1 of size 3/);
  assert.throws(() => ck.sort(x, 0, true, false, 1 as never), /sort: takes at most 4 positional arguments/);
  assert.throws(() => x.maskedFill(x, 0), /maskedFill: expected a bool mask/);
  assert.throws(() => x.maskedFill(x.gt(1), ck.ones([2])), /maskedFill: value must be a number or a 0-dim tensor/);
  assert.throws(() => x.scatter(1, x, 0), /scatter: expected an int32 index tensor/);
  assert.throws(() => x.repeat(2), /repeat: number of repeat dims \(1\) can not be smaller than the number of tensor dims \(2/);
  assert.throws(() => x.repeat(2, 1.5), /repeat: expected repeats to be an integer or an array of integers, got 1.5 \(a number\)/);
  assert.throws(() => x.flip(2), /flip: dim 2 out of range/);
  assert.throws(() => x.roll([1, 2], 0), /roll: shifts \[1,2\] and dims \[0\] must have the same length/);
  assert.throws(() => ck.mm(x, ck.ones([3])), /mm: expected two 2-D tensors/);
  assert.throws(() => ck.bmm(ck.ones([2, 2, 3]), ck.ones([3, 3, 1])), /bmm: batch sizes differ/);
  assert.throws(() => ck.ones([3]).mT, /mT: expected a tensor with at least 2 dimensions/);
  assert.throws(() => x.norm('nuc' as never), /norm: .*p.* a number or one of .fro., got 'nuc'/);
  assert.throws(() => x.norm(2, { keepDim: true } as never), /norm: unknown option 'keepDim' \(did you mean 'keepdim'\?\)/);
  assert.throws(() => (x.cumsum as () => ck.Tensor)(), /cumsum: missing required argument dim/);
  assert.throws(() => F.oneHot(int([0, 3]), 3), /oneHot: class values must be smaller than numClasses \(3\), got 3/);
  assert.throws(() => F.oneHot(x), /oneHot: expected int32 class indices/);
  assert.throws(() => ck.unique(x, { dim: 2 }), /unique: dim 2 out of range/);
  assert.throws(() => x.index(int([2])), /index: index 2 is out of bounds for dimension 0 with size 2/);
  assert.throws(() => x.index(ck.tensor([true, false, true], { dtype: 'bool' })), /index: the mask \[3\] does not match the indexed tensor's dims \[2\]/);
  assert.throws(() => x.index(x), /index: tensors used as indices must be int32 or bool/);
  assert.throws(() => x.indexPut([x.gt(2)], ck.ones([5])), /indexPut: shapes \[3\] and \[5\] cannot be broadcast together/);
  assert.throws(() => ck.einsum('ij,jk->ik', x), /einsum: the equation 'ij,jk->ik' has 2 operand\(s\) but 1 tensor\(s\) were given/);
  assert.throws(() => ck.einsum('ijk->i', x), /einsum: the subscripts 'ijk' name 3 dims but the operand has 2/);
  assert.throws(() => ck.einsum('ij->z', x), /einsum: output subscript 'z' does not appear/);
  assert.throws(() => ck.einsum(x as never), /einsum: expected equation to be a string, got a Tensor\[2,3\] float32/);
  assert.throws(() => F.layerNorm(x, [2]), /layerNorm: input \[2,3\] does not end with normalizedShape \[2\]/);
  assert.throws(() => F.groupNorm(ck.ones([2, 3, 4]), 2), /groupNorm: expected the 3 channels/);
  assert.throws(() => F.prelu(ck.ones([2, 3, 4]), ck.ones([2])), /prelu: expected a weight with 1 element or one per channel \(3/);
  assert.throws(() => F.pixelShuffle(ck.ones([1, 3, 2, 2]), 2), /pixelShuffle: expected an input \[\*, C·2², H, W\]/);
  assert.throws(() => F.hardswish(int([1])), /hardswish/);
  assert.throws(() => F.instanceNorm(ck.ones([2, 3])), /instanceNorm: expected an input \[N, C, \.\.\.\] with at least one spatial dim/);
  assert.throws(() => F.instanceNorm(ck.ones([1, 2, 3]), { useInputStats: false }), /useInputStats=false needs runningMean and runningVar/);
  assert.throws(() => F.mish(ck.ones([2]), { inPlace: true } as never), /mish: unknown option 'inPlace' \(did you mean 'inplace'\?\)/);
  assert.throws(() => F.embedding(int([0]), ck.ones([3, 2]), { scaleGradByFreq: true }), /embedding: scaleGradByFreq gradients are not supported/);
  assert.throws(() => ck.nn.Embedding.fromPretrained(ck.ones([3])), /fromPretrained: expected a 2-D embeddings tensor/);
  assert.throws(() => ck.maskedFill_(ck.ones([2], { requiresGrad: true }), ck.tensor([true, false], { dtype: 'bool' }), 0), /cannot be modified in place/);
});

test('small cases by hand: sort with NaN, unique, tensor indexing writes, cumsum of bools, T of a 3-D tensor', () => {
  const [v, i] = ck.tensor([2, NaN, -1, 5]).sort();
  assert.deepEqual(v.toArray(), [-1, 2, 5, NaN]);
  assert.deepEqual(i.toArray(), [2, 0, 3, 1]);
  assert.deepEqual((ck.tensor([2, NaN, -1, 5]).sort(0, true).values.toArray() as number[]).slice(0, 1), [NaN]);
  const [u, inv, counts] = ck.unique(int([3, 1, 3, 3, 0]), { returnInverse: true, returnCounts: true }) as ck.Tensor[];
  assert.deepEqual([u.toArray(), inv.toArray(), counts.toArray()], [[0, 1, 3], [2, 1, 2, 2, 0], [1, 1, 3]]);
  assert.equal(u.dtype, 'int32');
  const x = ck.zeros([2, 3]);
  x.indexPut_([int([1]), int([2])], 7);
  x.maskedFill_(x.eq(0).logicalAnd(ck.tensor([true, false, false], { dtype: 'bool' })), -1);
  assert.deepEqual(x.toArray(), [[-1, 0, 0], [-1, 0, 7]]);
  x.scatter_(0, int([[0, 1, 0]]), 5);
  assert.deepEqual(x.toArray(), [[5, 0, 5], [-1, 5, 7]]);
  assert.deepEqual(ck.tensor([true, false, true], { dtype: 'bool' }).cumsum(0).toArray(), [1, 1, 2]);
  assert.deepEqual(ck.zeros([2, 3, 4]).T.shape, [4, 3, 2]);
  assert.deepEqual(ck.tensor([[1, 2]]).tolist(), [[1, 2]]);
  assert.equal(ck.tensor([1.7]).long().dtype, 'int32');
  const flags = ck.tensor([true, false], { dtype: 'bool' });
  assert.deepEqual(flags.maskedFill(flags.logicalNot(), true).toArray(), [true, true]);
  const w = ck.ones([3], { requiresGrad: true });
  assert.throws(() => w.indexPut_([int([0])], 2), /copy_: a tensor that requires grad cannot be modified in place/);
});

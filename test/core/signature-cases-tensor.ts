/**
 * The signature cases of the tensor functions (creation, elementwise, views, joining and splitting, in-place
 * and autograd entry points): how to call each, sample required values, and non-default optional ones. Read
 * by test/core/signatures.test.ts with the other cases.
 */
import * as ck from '../../src/index.js';

export type Case = { make: (...args: unknown[]) => unknown; req: () => unknown[]; opt: unknown[] | (() => unknown[]) };

const fn = (f: unknown) => f as (...args: unknown[]) => unknown;
const m = (): ck.Tensor => ck.randn([3, 4]);
const i32 = (v: number[] | number[][]): ck.Tensor => ck.tensor(v, { dtype: 'int32' });
const unary = (f: unknown): Case => ({ make: fn(f), req: () => [ck.rand([5]).add(0.5)], opt: [] });
const binary = (f: unknown): Case => ({ make: fn(f), req: () => [m(), ck.randn([4])], opt: [] });
/** A graph whose gradient autograd.grad reads: y = sum(x²). */
const graph = (): [ck.Tensor, ck.Tensor] => {
  const x = ck.tensor([1, -2, 3], { requiresGrad: true });
  return [x.mul(x).sum(), x];
};

export const TENSOR_CASES: Record<string, Case> = {
  // creation
  'torch.tensor': { make: fn(ck.tensor), req: () => [[[1, 2], [3, 4]]], opt: [] },
  'torch.zeros': { make: fn(ck.zeros), req: () => [2, 3], opt: [] },
  'torch.ones': { make: fn(ck.ones), req: () => [[2, 3]], opt: [] },
  'torch.empty': { make: fn(ck.empty), req: () => [4], opt: [] },
  'torch.rand': { make: fn(ck.rand), req: () => [2, 2], opt: [] },
  'torch.randn': { make: fn(ck.randn), req: () => [3], opt: [] },
  'torch.full': { make: fn(ck.full), req: () => [[2, 2], 1.5], opt: [] },
  'torch.randint': { make: fn(ck.randint), req: () => [0, 10, [5]], opt: [] },
  'torch.randperm': { make: fn(ck.randperm), req: () => [6], opt: [] },
  'torch.arange': { make: fn(ck.arange), req: () => [5], opt: [11, 2] },
  'torch.linspace': { make: fn(ck.linspace), req: () => [0, 1, 5], opt: [] },
  'torch.eye': { make: fn(ck.eye), req: () => [3], opt: [4] },
  'torch.zeros_like': { make: fn(ck.zerosLike), req: () => [m()], opt: [] },
  'torch.ones_like': { make: fn(ck.onesLike), req: () => [m()], opt: [] },
  'torch.empty_like': { make: fn(ck.emptyLike), req: () => [m()], opt: [] },
  'torch.full_like': { make: fn(ck.fullLike), req: () => [m(), 7], opt: [] },
  'torch.rand_like': { make: fn(ck.randLike), req: () => [m()], opt: [] },
  'torch.randn_like': { make: fn(ck.randnLike), req: () => [m()], opt: [] },
  'torch.randint_like': { make: fn(ck.randintLike), req: () => [m(), 0, 5], opt: [] },
  // elementwise
  'torch.add': binary(ck.add),
  'torch.sub': binary(ck.sub),
  'torch.mul': binary(ck.mul),
  'torch.div': binary(ck.div),
  'torch.pow': { make: fn(ck.pow), req: () => [ck.rand([4]), 3], opt: [] },
  'torch.maximum': binary(ck.maximum),
  'torch.minimum': binary(ck.minimum),
  'torch.floor_divide': binary(ck.floorDivide),
  'torch.remainder': binary(ck.remainder),
  'torch.eq': binary(ck.eq),
  'torch.ne': binary(ck.ne),
  'torch.gt': binary(ck.gt),
  'torch.ge': binary(ck.ge),
  'torch.lt': binary(ck.lt),
  'torch.le': binary(ck.le),
  'torch.logical_and': binary(ck.logicalAnd),
  'torch.logical_or': binary(ck.logicalOr),
  'torch.result_type': { make: fn(ck.resultType), req: () => [i32([1, 2]), 2.5], opt: [] },
  'torch.neg': unary(ck.neg),
  'torch.abs': unary(ck.abs),
  'torch.sign': unary(ck.sign),
  'torch.exp': unary(ck.exp),
  'torch.expm1': unary(ck.expm1),
  'torch.log': unary(ck.log),
  'torch.log1p': unary(ck.log1p),
  'torch.sqrt': unary(ck.sqrt),
  'torch.rsqrt': unary(ck.rsqrt),
  'torch.sin': unary(ck.sin),
  'torch.cos': unary(ck.cos),
  'torch.tanh': unary(ck.tanh),
  'torch.sigmoid': unary(ck.sigmoid),
  'torch.relu': unary(ck.relu),
  'torch.reciprocal': unary(ck.reciprocal),
  'torch.square': unary(ck.square),
  'torch.floor': unary(ck.floor),
  'torch.ceil': unary(ck.ceil),
  'torch.round': unary(ck.round),
  'torch.logical_not': unary(ck.logicalNot),
  'torch.isfinite': unary(ck.isfinite),
  'torch.erf': unary(ck.erf),
  'torch.clamp': { make: fn(ck.clamp), req: () => [m()], opt: [-0.5, 0.5] },
  'torch.where': { make: fn(ck.where), req: () => [m().gt(0), m(), 0], opt: [] },
  'torch.matmul': { make: fn(ck.matmul), req: () => [m(), ck.randn([4, 2])], opt: [] },
  // views and copies
  contiguous: { make: fn(ck.contiguous), req: () => [m().t()], opt: [] },
  'torch.clone': { make: fn(ck.clone), req: () => [m()], opt: [] },
  'torch.detach': { make: fn(ck.detach), req: () => [m()], opt: [] },
  to: { make: fn(ck.to), req: () => [m(), 'reference'], opt: ['float64'] },
  view: { make: fn(ck.view), req: () => [m(), -1, 2], opt: [] },
  'torch.reshape': { make: fn(ck.reshape), req: () => [m(), [2, 6]], opt: [] },
  'torch.permute': { make: fn(ck.permute), req: () => [m(), 1, 0], opt: [] },
  expand: { make: fn(ck.expand), req: () => [ck.randn([3, 1]), 3, 4], opt: [] },
  expandAs: { make: fn(ck.expandAs), req: () => [ck.randn([3, 1]), m()], opt: [] },
  'torch.flatten': { make: fn(ck.flatten), req: () => [ck.randn([2, 3, 4, 5])], opt: [1, 2] },
  'torch.unflatten': { make: fn(ck.unflatten), req: () => [m(), 1, [2, 2]], opt: [] },
  'torch.transpose': { make: fn(ck.transpose), req: () => [m(), 0, 1], opt: [] },
  'torch.t': { make: fn(ck.t), req: () => [m()], opt: [] },
  'torch.squeeze': { make: fn(ck.squeeze), req: () => [ck.randn([2, 1, 3, 1])], opt: [1] },
  'torch.unsqueeze': { make: fn(ck.unsqueeze), req: () => [m(), 1], opt: [] },
  'torch.narrow': { make: fn(ck.narrow), req: () => [m(), 1, 1, 2], opt: [] },
  slice: { make: fn(ck.slice), req: () => [m(), 1], opt: [1, 4, 2] },
  'torch.select': { make: fn(ck.select), req: () => [m(), 1, 2], opt: [] },
  index: { make: fn(ck.index), req: () => [m(), [1, 3], i32([0, 3])], opt: [] },
  repeat: { make: fn(ck.repeat), req: () => [m(), 2, 1], opt: [] },
  'torch.flip': { make: fn(ck.flip), req: () => [m(), 0], opt: [] },
  // joining, splitting, gathering
  'torch.cat': { make: fn(ck.cat), req: () => [[m(), m()]], opt: [1] },
  'torch.stack': { make: fn(ck.stack), req: () => [[m(), m()]], opt: [2] },
  'torch.split': { make: fn(ck.split), req: () => [m(), 2], opt: [1] },
  'torch.chunk': { make: fn(ck.chunk), req: () => [m(), 2], opt: [1] },
  'torch.gather': { make: fn(ck.gather), req: () => [m(), 1, i32([[0], [3], [1]])], opt: [] },
  'torch.index_select': { make: fn(ck.indexSelect), req: () => [m(), 1, i32([3, 0])], opt: [] },
  'torch.scatter_add': { make: fn(ck.scatterAdd), req: () => [m(), 1, i32([[0], [3], [1]]), ck.ones([3, 1])], opt: [] },
  'torch.einsum': { make: fn(ck.einsum), req: () => ['ij,jk->ik', m(), ck.randn([4, 2])], opt: [] },
  channelAffine: { make: fn(ck.channelAffine), req: () => [ck.randn([2, 3, 2, 2]), ck.randn([3]), ck.randn([3])], opt: [] },
  // in place
  copy_: { make: fn(ck.copy_), req: () => [ck.zeros([3, 4]), m()], opt: [] },
  fill_: { make: fn(ck.fill_), req: () => [ck.zeros([3]), 2], opt: [] },
  zero_: { make: fn(ck.zero_), req: () => [ck.ones([3])], opt: [] },
  add_: { make: fn(ck.add_), req: () => [ck.zeros([3]), ck.ones([3])], opt: [] },
  sub_: { make: fn(ck.sub_), req: () => [ck.zeros([3]), ck.ones([3])], opt: [] },
  mul_: { make: fn(ck.mul_), req: () => [ck.ones([3]), 3], opt: [] },
  div_: { make: fn(ck.div_), req: () => [ck.ones([3]), 4], opt: [] },
  'torch.clamp_': { make: fn(ck.clamp_), req: () => [m()], opt: [-0.5, 0.5] },
  // autograd
  'torch.autograd.grad': { make: fn(ck.grad), req: () => graph(), opt: [[ck.tensor(2)], true] },
  'torch.autograd.gradcheck': { make: fn(ck.gradcheck), req: () => [(x: ck.Tensor) => x.mul(x).sum(), [ck.randn([3], { dtype: 'float64' })]], opt: [] },
};

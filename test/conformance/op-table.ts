/**
 * How each fixture case's op is called in convkit. Keys are the core `op` names written by tools/gen_conformance_core.py;
 * `args` are that case's attributes. Adding an op to the fixtures means adding one line here.
 */
import * as ck from '../../src/index.js';

type Args = Record<string, unknown>;
type OpFn = (inputs: ck.Tensor[], args: Args) => ck.Tensor;

const binaryOrScalar = (f: (a: ck.Tensor, b: ck.Tensor | number) => ck.Tensor): OpFn =>
  ([a, b], args) => (args.scalar !== undefined ? f(a, args.scalar as number) : f(a, b));
const unary = (f: (x: ck.Tensor) => ck.Tensor): OpFn => ([x]) => f(x);
const reduction = (f: (x: ck.Tensor, dim?: ck.Dims, keepdim?: boolean) => ck.Tensor): OpFn =>
  ([x], a) => f(x, a.dim as ck.Dims | undefined, a.keepdim as boolean | undefined);

export const OPS: Record<string, OpFn> = {
  add: binaryOrScalar(ck.add), sub: binaryOrScalar(ck.sub), mul: binaryOrScalar(ck.mul), div: binaryOrScalar(ck.div),
  pow: binaryOrScalar(ck.pow), maximum: binaryOrScalar(ck.maximum), minimum: binaryOrScalar(ck.minimum),
  rdiv: ([x], a) => ck.div(a.scalar as number, x),
  eq: ([a, b]) => ck.eq(a, b), ne: ([a, b]) => ck.ne(a, b), gt: ([a, b]) => ck.gt(a, b),
  ge: ([a, b]) => ck.ge(a, b), lt: ([a, b]) => ck.lt(a, b), le: ([a, b]) => ck.le(a, b),
  neg: unary(ck.neg), abs: unary(ck.abs), exp: unary(ck.exp), log: unary(ck.log), log1p: unary(ck.log1p),
  expm1: unary(ck.expm1), sqrt: unary(ck.sqrt), rsqrt: unary(ck.rsqrt), sin: unary(ck.sin), cos: unary(ck.cos),
  tanh: unary(ck.tanh), sigmoid: unary(ck.sigmoid), relu: unary(ck.relu), sign: unary(ck.sign), floor: unary(ck.floor),
  ceil: unary(ck.ceil), round: unary(ck.round), reciprocal: unary(ck.reciprocal), square: unary(ck.square),
  clamp: ([x], a) => ck.clamp(x, a.min as number | undefined, a.max as number | undefined),
  where: ([c, a, b]) => ck.where(c, a, b),
  sum: reduction(ck.sum), mean: reduction(ck.mean), amax: reduction(ck.amax), amin: reduction(ck.amin),
  prod: reduction(ck.prod),
  logsumexp: ([x], a) => ck.logsumexp(x, a.dim as ck.Dims, a.keepdim as boolean),
  var: ([x], a) => ck.var(x, a.dim as ck.Dims | undefined, { correction: a.correction as number }),
  std: ([x], a) => ck.std(x, a.dim as ck.Dims | undefined, { correction: a.correction as number }),
  maxValues: ([x], a) => ck.max(x, a.dim as number, a.keepdim as boolean).values,
  maxIndices: ([x], a) => ck.max(x, a.dim as number, a.keepdim as boolean).indices,
  minValues: ([x], a) => ck.min(x, a.dim as number, a.keepdim as boolean).values,
  argmax: ([x], a) => ck.argmax(x, a.dim as number | undefined),
  argmin: ([x], a) => ck.argmin(x, a.dim as number | undefined),
  matmul: ([a, b]) => ck.matmul(a, b),
  reshape: ([x], a) => x.reshape(a.shape as number[]),
  flatten: ([x], a) => x.flatten(a.start as number, a.end as number),
  permute: ([x], a) => x.permute(a.dims as number[]),
  transpose: ([x], a) => x.transpose(a.dim0 as number, a.dim1 as number),
  squeeze: ([x]) => x.squeeze(),
  unsqueeze: ([x], a) => x.unsqueeze(a.dim as number),
  expand: ([x], a) => x.expand(a.shape as number[]),
  narrow: ([x], a) => x.narrow(a.dim as number, a.start as number, a.length as number),
  slice: ([x], a) => x.slice(a.dim as number, a.start as number, a.end as number, a.step as number),
  index: ([x], a) => x.index(...(a.spec as ck.IndexSpec[])),
  cat: (xs, a) => ck.cat(xs, a.dim as number),
  stack: (xs, a) => ck.stack(xs, a.dim as number),
  splitPiece: ([x], a) => ck.split(x, a.sizes as number[], a.dim as number)[a.piece as number],
  chunkPiece: ([x], a) => ck.chunk(x, a.chunks as number, a.dim as number)[a.piece as number],
  gather: ([x, i], a) => ck.gather(x, a.dim as number, i),
  indexSelect: ([x, i], a) => ck.indexSelect(x, a.dim as number, i),
  linspace: (_, a) => ck.linspace(a.start as number, a.end as number, a.steps as number),
  arange: (_, a) => ck.arange(a.start as number, a.end as number, a.step as number),
  eye: (_, a) => ck.eye(a.n as number, a.m as number),
};

import type { BinaryOp, UnaryOp, View } from '../backends/backend.js';
import { record } from '../core/autograd.js';
import { floatingResult, isFloating, promoteTypes, type DType } from '../core/dtype.js';
import { broadcastShapes, broadcastStrides, type Shape } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { activationBackward } from './activation-backward.js';
import { describe, kernels, operands, scalarLike, wrap, type TensorOrScalar } from './dispatch.js';
import { sumToShape } from './reduce.js';
import { traced } from './trace.js';

const CATEGORY: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 2 };

/** PyTorch's result type: 0-d tensors and scalars only raise the category (bool < int < float), never the width. */
export function resultType(a: Tensor, b: Tensor): DType {
  if ((a.ndim === 0) === (b.ndim === 0)) return promoteTypes(a.dtype, b.dtype);
  const [dimmed, zeroD] = a.ndim === 0 ? [b, a] : [a, b];
  return CATEGORY[zeroD.dtype] > CATEGORY[dimmed.dtype] ? zeroD.dtype : dimmed.dtype;
}

function broadcastView(t: Tensor, shape: Shape): View {
  return { storage: t.storage, dtype: t.dtype, shape, strides: broadcastStrides(t.shape, t.strides, shape), offset: t.offset };
}

function computeBinary(op: BinaryOp, name: string, a: Tensor, b: Tensor, outDtype: DType): Tensor {
  const shape = broadcastShapes(a.shape, b.shape, name);
  return wrap(kernels(name, a, b).binary(op, broadcastView(a, shape), broadcastView(b, shape), outDtype), shape, outDtype);
}

type BinaryGrad = (g: Tensor, a: Tensor, b: Tensor, out: Tensor) => [Tensor | null, Tensor | null];

function binaryOp(op: BinaryOp, name: string, x: TensorOrScalar, y: TensorOrScalar, dtypeRule: (t: DType) => DType, grad?: BinaryGrad): Tensor {
  const [a, b] = operands(name, x, y);
  return traced(name, [a, b], {}, () => {
    const out = computeBinary(op, name, a, b, dtypeRule(resultType(a, b)));
    if (!grad || !isFloating(out.dtype)) return out;
    return record(`${name[0].toUpperCase()}${name.slice(1)}Backward0`, out, [a, b], (g) => {
      const [ga, gb] = grad(g, a, b, out);
      return [ga && a.requiresGrad ? sumToShape(ga, a.shape) : null, gb && b.requiresGrad ? sumToShape(gb, b.shape) : null];
    });
  });
}

const same = (t: DType): DType => t;
const boolOut = (): DType => 'bool';

export const add = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('add', 'add', a, b, same, (g) => [g, g]);
export const sub = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('sub', 'sub', a, b, same, (g) => [g, neg(g)]);
export const mul = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('mul', 'mul', a, b, same, (g, x, y) => [mul(g, y), mul(g, x)]);
export const div = (a: TensorOrScalar, b: TensorOrScalar): Tensor =>
  binaryOp('div', 'div', a, b, floatingResult, (g, _x, y, out) => [div(g, y), neg(div(mul(g, out), y))]);

export const pow = (a: TensorOrScalar, b: TensorOrScalar): Tensor =>
  binaryOp('pow', 'pow', a, b, same, (g, x, y, out) => [
    x.requiresGrad ? mul(mul(g, y), pow(x, sub(y, 1))) : null,
    // d/dy x^y = x^y log x, defined as 0 where x == 0 and y >= 0 (torch's convention)
    y.requiresGrad ? where(logicalAnd(eq(x, 0), ge(y, 0)), 0, mul(g, mul(out, log(x)))) : null,
  ]);

/** Ties split the gradient evenly, as torch.maximum does. */
function tieSplit(pick: (x: Tensor, y: Tensor) => Tensor): BinaryGrad {
  return (g, x, y) => {
    const share = add(to01(pick(x, y)), mul(to01(eq(x, y)), 0.5));
    return [mul(g, share), mul(g, sub(1, share))];
  };
}
export const maximum = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('maximum', 'maximum', a, b, same, tieSplit(gt));
export const minimum = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('minimum', 'minimum', a, b, same, tieSplit(lt));
export const floorDivide = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('floordiv', 'floorDivide', a, b, same);
/** Python's modulo: the result has the sign of the divisor. */
export const remainder = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('remainder', 'remainder', a, b, same);

export const eq = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('eq', 'eq', a, b, boolOut);
export const ne = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('ne', 'ne', a, b, boolOut);
export const gt = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('gt', 'gt', a, b, boolOut);
export const ge = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('ge', 'ge', a, b, boolOut);
export const lt = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('lt', 'lt', a, b, boolOut);
export const le = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('le', 'le', a, b, boolOut);
export const logicalAnd = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('and', 'logicalAnd', a, b, boolOut);
export const logicalOr = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('or', 'logicalOr', a, b, boolOut);

/** A mask as 0/1 numbers in a floating dtype, for gradient formulas. */
function to01(mask: Tensor, dtype: DType = 'float32'): Tensor {
  return wrap(kernels('mask', mask).copy(mask, dtype), mask.shape, dtype);
}

type UnaryGrad = (g: Tensor, x: Tensor, out: Tensor) => Tensor;

function unaryOp(op: UnaryOp, name: string, x: Tensor, dtypeRule: (t: DType) => DType, grad?: UnaryGrad): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${name}: expected a Tensor, got ${describe(x)}`);
  const dtype = dtypeRule(x.dtype);
  return traced(name, [x], {}, () => {
    const out = wrap(kernels(name, x).unary(op, x, dtype), x.shape, dtype);
    if (!grad || !isFloating(dtype)) return out;
    return record(`${name[0].toUpperCase()}${name.slice(1)}Backward0`, out, [x], (g) => [grad(g, x, out)]);
  });
}

const zeroGrad: UnaryGrad = (g) => mul(g, 0);
const numeric = (t: DType): DType => (t === 'bool' ? 'int32' : t);

export const neg = (x: Tensor): Tensor => unaryOp('neg', 'neg', x, numeric, (g) => neg(g));
export const abs = (x: Tensor): Tensor => unaryOp('abs', 'abs', x, numeric, (g, a) => mul(g, sign(a)));
export const sign = (x: Tensor): Tensor => unaryOp('sign', 'sign', x, numeric, zeroGrad);
export const exp = (x: Tensor): Tensor => unaryOp('exp', 'exp', x, floatingResult, (g, _a, out) => mul(g, out));
export const expm1 = (x: Tensor): Tensor => unaryOp('expm1', 'expm1', x, floatingResult, (g, _a, out) => mul(g, add(out, 1)));
export const log = (x: Tensor): Tensor => unaryOp('log', 'log', x, floatingResult, (g, a) => div(g, a));
export const log1p = (x: Tensor): Tensor => unaryOp('log1p', 'log1p', x, floatingResult, (g, a) => div(g, add(a, 1)));
export const sqrt = (x: Tensor): Tensor => unaryOp('sqrt', 'sqrt', x, floatingResult, (g, _a, out) => div(g, mul(out, 2)));
export const rsqrt = (x: Tensor): Tensor => unaryOp('rsqrt', 'rsqrt', x, floatingResult, (g, _a, out) => mul(g, mul(pow(out, 3), -0.5)));
export const sin = (x: Tensor): Tensor => unaryOp('sin', 'sin', x, floatingResult, (g, a) => mul(g, cos(a)));
export const cos = (x: Tensor): Tensor => unaryOp('cos', 'cos', x, floatingResult, (g, a) => neg(mul(g, sin(a))));
export const tanh = (x: Tensor): Tensor => unaryOp('tanh', 'tanh', x, floatingResult, (g, _a, out) => activationBackward('tanh', g, out));
export const sigmoid = (x: Tensor): Tensor => unaryOp('sigmoid', 'sigmoid', x, floatingResult, (g, _a, out) => activationBackward('sigmoid', g, out));
export const relu = (x: Tensor): Tensor => unaryOp('relu', 'relu', x, numeric, (g, _a, out) => activationBackward('threshold', g, out));
export const reciprocal = (x: Tensor): Tensor => unaryOp('reciprocal', 'reciprocal', x, floatingResult, (g, _a, out) => neg(mul(g, mul(out, out))));
export const square = (x: Tensor): Tensor => unaryOp('square', 'square', x, numeric, (g, a) => mul(g, mul(a, 2)));
export const floor = (x: Tensor): Tensor => unaryOp('floor', 'floor', x, same, zeroGrad);
export const ceil = (x: Tensor): Tensor => unaryOp('ceil', 'ceil', x, same, zeroGrad);
/** Rounds half to even, as torch.round. */
export const round = (x: Tensor): Tensor => unaryOp('round', 'round', x, same, zeroGrad);
export const logicalNot = (x: Tensor): Tensor => unaryOp('not', 'logicalNot', x, boolOut);
export const isfinite = (x: Tensor): Tensor => unaryOp('isfinite', 'isfinite', x, boolOut);

/** Limits values to [min, max]; the gradient passes where min <= x <= max, as torch.clamp. */
export function clamp(x: Tensor, min?: TensorOrScalar | null, max?: TensorOrScalar | null): Tensor {
  if (min == null && max == null) throw new RangeError('clamp: at least one of min or max must be given');
  const lo = min == null ? null : min instanceof Tensor ? min : scalarLike(min, x);
  const hi = max == null ? null : max instanceof Tensor ? max : scalarLike(max, x);
  return traced('clamp', [x, lo, hi], {}, () => clampBetween(x, lo, hi));
}

function clampBetween(x: Tensor, lo: Tensor | null, hi: Tensor | null): Tensor {
  let out = x;
  if (lo) out = computeBinary('maximum', 'clamp', out, lo, resultType(out, lo));
  if (hi) out = computeBinary('minimum', 'clamp', out, hi, resultType(out, hi));
  if (!isFloating(out.dtype)) return out;
  return record('ClampBackward1', out, [x], (g) => {
    let pass = lo ? ge(x, lo) : null;
    if (hi) pass = pass ? logicalAnd(pass, le(x, hi)) : le(x, hi);
    return [sumToShape(mul(g, to01(pass as Tensor, g.dtype)), x.shape)];
  });
}

/** Elements of `a` where `cond` is true, else of `b`, broadcasting all three. */
export function where(cond: Tensor, x: TensorOrScalar, y: TensorOrScalar): Tensor {
  if (!(cond instanceof Tensor) || cond.dtype !== 'bool') throw new TypeError(`where: expected a bool condition tensor, got ${describe(cond)}`);
  const [a, b] = operands('where', x instanceof Tensor || y instanceof Tensor ? x : scalarLike(x as number, cond), y);
  const shape = broadcastShapes(broadcastShapes(cond.shape, a.shape, 'where'), b.shape, 'where');
  const dtype = resultType(a, b);
  const k = kernels('where', cond, a, b);
  const out = wrap(k.where(broadcastView(cond, shape), broadcastView(a, shape), broadcastView(b, shape), dtype), shape, dtype);
  if (!isFloating(dtype)) return out;
  return record('WhereBackward0', out, [a, b], (g) => [
    a.requiresGrad ? sumToShape(where(cond, g, 0), a.shape) : null,
    b.requiresGrad ? sumToShape(where(cond, 0, g), b.shape) : null,
  ]);
}

import type { BinaryOp, UnaryOp, View } from '../backends/backend.js';
import { record } from '../core/autograd.js';
import { floatingResult, isFloating, promoteTypes, type DType } from '../core/dtype.js';
import { broadcastShapes, broadcastStrides, type Shape } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { activationBackward } from './activation-backward.js';
import { check, define, is, signature, type ArgsOf } from '../core/args.js';
import { describe, kernels, operands, scalarLike, wrap, type TensorOrScalar } from './dispatch.js';
import { sumToShape } from './reduce.js';
import { traced } from './trace.js';

const CATEGORY: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 2 };

/** PyTorch's result type: 0-d tensors and scalars only raise the category (bool < int < float), never the width. */
function resultTypeOf(a: Tensor, b: Tensor): DType {
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
    const out = computeBinary(op, name, a, b, dtypeRule(resultTypeOf(a, b)));
    if (!grad || !isFloating(out.dtype)) return out;
    return record(`${name[0].toUpperCase()}${name.slice(1)}Backward0`, out, [a, b], (g) => {
      const [ga, gb] = grad(g, a, b, out);
      return [ga && a.requiresGrad ? sumToShape(ga, a.shape) : null, gb && b.requiresGrad ? sumToShape(gb, b.shape) : null];
    });
  });
}

const same = (t: DType): DType => t;
const boolOut = (): DType => 'bool';

const addOf = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('add', 'add', a, b, same, (g) => [g, g]);
const subOf = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('sub', 'sub', a, b, same, (g) => [g, negOf(g)]);
const mulOf = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('mul', 'mul', a, b, same, (g, x, y) => [mulOf(g, y), mulOf(g, x)]);
const divOf = (a: TensorOrScalar, b: TensorOrScalar): Tensor =>
  binaryOp('div', 'div', a, b, floatingResult, (g, _x, y, out) => [divOf(g, y), negOf(divOf(mulOf(g, out), y))]);

const powOf = (a: TensorOrScalar, b: TensorOrScalar): Tensor =>
  binaryOp('pow', 'pow', a, b, same, (g, x, y, out) => [
    x.requiresGrad ? mulOf(mulOf(g, y), powOf(x, subOf(y, 1))) : null,
    // d/dy x^y = x^y log x, defined as 0 where x == 0 and y >= 0 (torch's convention)
    y.requiresGrad ? whereOf(logicalAndOf(eqOf(x, 0), geOf(y, 0)), 0, mulOf(g, mulOf(out, logOf(x)))) : null,
  ]);

/** Ties split the gradient evenly, as torch.maximum does. */
function tieSplit(pick: (x: Tensor, y: Tensor) => Tensor): BinaryGrad {
  return (g, x, y) => {
    const share = addOf(to01(pick(x, y)), mulOf(to01(eqOf(x, y)), 0.5));
    return [mulOf(g, share), mulOf(g, subOf(1, share))];
  };
}
const maximumOf = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('maximum', 'maximum', a, b, same, tieSplit(gt));
const minimumOf = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('minimum', 'minimum', a, b, same, tieSplit(lt));
const floorDivideOf = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('floordiv', 'floorDivide', a, b, same);
/** Python's modulo: the result has the sign of the divisor. */
const remainderOf = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('remainder', 'remainder', a, b, same);

const eqOf = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('eq', 'eq', a, b, boolOut);
const neOf = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('ne', 'ne', a, b, boolOut);
const gtOf = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('gt', 'gt', a, b, boolOut);
const geOf = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('ge', 'ge', a, b, boolOut);
const ltOf = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('lt', 'lt', a, b, boolOut);
const leOf = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('le', 'le', a, b, boolOut);
const logicalAndOf = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('and', 'logicalAnd', a, b, boolOut);
const logicalOrOf = (a: TensorOrScalar, b: TensorOrScalar): Tensor => binaryOp('or', 'logicalOr', a, b, boolOut);

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

const zeroGrad: UnaryGrad = (g) => mulOf(g, 0);
const numeric = (t: DType): DType => (t === 'bool' ? 'int32' : t);

const negOf = (x: Tensor): Tensor => unaryOp('neg', 'neg', x, numeric, (g) => negOf(g));
const absOf = (x: Tensor): Tensor => unaryOp('abs', 'abs', x, numeric, (g, a) => mulOf(g, signOf(a)));
const signOf = (x: Tensor): Tensor => unaryOp('sign', 'sign', x, numeric, zeroGrad);
const expOf = (x: Tensor): Tensor => unaryOp('exp', 'exp', x, floatingResult, (g, _a, out) => mulOf(g, out));
const expm1Of = (x: Tensor): Tensor => unaryOp('expm1', 'expm1', x, floatingResult, (g, _a, out) => mulOf(g, addOf(out, 1)));
const logOf = (x: Tensor): Tensor => unaryOp('log', 'log', x, floatingResult, (g, a) => divOf(g, a));
const log1pOf = (x: Tensor): Tensor => unaryOp('log1p', 'log1p', x, floatingResult, (g, a) => divOf(g, addOf(a, 1)));
const sqrtOf = (x: Tensor): Tensor => unaryOp('sqrt', 'sqrt', x, floatingResult, (g, _a, out) => divOf(g, mulOf(out, 2)));
const rsqrtOf = (x: Tensor): Tensor => unaryOp('rsqrt', 'rsqrt', x, floatingResult, (g, _a, out) => mulOf(g, mulOf(powOf(out, 3), -0.5)));
const sinOf = (x: Tensor): Tensor => unaryOp('sin', 'sin', x, floatingResult, (g, a) => mulOf(g, cosOf(a)));
const cosOf = (x: Tensor): Tensor => unaryOp('cos', 'cos', x, floatingResult, (g, a) => negOf(mulOf(g, sinOf(a))));
const tanhOf = (x: Tensor): Tensor => unaryOp('tanh', 'tanh', x, floatingResult, (g, _a, out) => activationBackward('tanh', g, out));
const sigmoidOf = (x: Tensor): Tensor => unaryOp('sigmoid', 'sigmoid', x, floatingResult, (g, _a, out) => activationBackward('sigmoid', g, out));
const reluOf = (x: Tensor): Tensor => unaryOp('relu', 'relu', x, numeric, (g, _a, out) => activationBackward('threshold', g, out));
const reciprocalOf = (x: Tensor): Tensor => unaryOp('reciprocal', 'reciprocal', x, floatingResult, (g, _a, out) => negOf(mulOf(g, mulOf(out, out))));
const squareOf = (x: Tensor): Tensor => unaryOp('square', 'square', x, numeric, (g, a) => mulOf(g, mulOf(a, 2)));
const floorOf = (x: Tensor): Tensor => unaryOp('floor', 'floor', x, same, zeroGrad);
const ceilOf = (x: Tensor): Tensor => unaryOp('ceil', 'ceil', x, same, zeroGrad);
/** Rounds half to even, as torch.round. */
const roundOf = (x: Tensor): Tensor => unaryOp('round', 'round', x, same, zeroGrad);
const logicalNotOf = (x: Tensor): Tensor => unaryOp('not', 'logicalNot', x, boolOut);
const isfiniteOf = (x: Tensor): Tensor => unaryOp('isfinite', 'isfinite', x, boolOut);

/** Limits values to [min, max]; the gradient passes where min <= x <= max, as torch.clamp. */
function clampOf(x: Tensor, min?: TensorOrScalar | null, max?: TensorOrScalar | null): Tensor {
  if (min == null && max == null) throw new RangeError('clamp: at least one of min or max must be given');
  const lo = min == null ? null : min instanceof Tensor ? min : scalarLike(min, x);
  const hi = max == null ? null : max instanceof Tensor ? max : scalarLike(max, x);
  return traced('clamp', [x, lo, hi], {}, () => clampBetween(x, lo, hi));
}

function clampBetween(x: Tensor, lo: Tensor | null, hi: Tensor | null): Tensor {
  let out = x;
  if (lo) out = computeBinary('maximum', 'clamp', out, lo, resultTypeOf(out, lo));
  if (hi) out = computeBinary('minimum', 'clamp', out, hi, resultTypeOf(out, hi));
  if (!isFloating(out.dtype)) return out;
  return record('ClampBackward1', out, [x], (g) => {
    let pass = lo ? geOf(x, lo) : null;
    if (hi) pass = pass ? logicalAndOf(pass, leOf(x, hi)) : leOf(x, hi);
    return [sumToShape(mulOf(g, to01(pass as Tensor, g.dtype)), x.shape)];
  });
}

/** Elements of `a` where `cond` is true, else of `b`, broadcasting all three. */
function whereOf(cond: Tensor, x: TensorOrScalar, y: TensorOrScalar): Tensor {
  if (!(cond instanceof Tensor) || cond.dtype !== 'bool') throw new TypeError(`where: expected a bool condition tensor, got ${describe(cond)}`);
  const [a, b] = operands('where', x instanceof Tensor || y instanceof Tensor ? x : scalarLike(x as number, cond), y);
  const shape = broadcastShapes(broadcastShapes(cond.shape, a.shape, 'where'), b.shape, 'where');
  const dtype = resultTypeOf(a, b);
  const k = kernels('where', cond, a, b);
  const out = wrap(k.where(broadcastView(cond, shape), broadcastView(a, shape), broadcastView(b, shape), dtype), shape, dtype);
  if (!isFloating(dtype)) return out;
  return record('WhereBackward0', out, [a, b], (g) => [
    a.requiresGrad ? sumToShape(whereOf(cond, g, 0), a.shape) : null,
    b.requiresGrad ? sumToShape(whereOf(cond, 0, g), b.shape) : null,
  ]);
}

// The public forms, with torch's parameter lists (torch.add(input, other, *, alpha)); the formulas above call
// the plain functions, so gradients pay no argument parsing.
const OPERAND = check<TensorOrScalar>('a Tensor or a number', (v) => v instanceof Tensor || typeof v === 'number' || typeof v === 'boolean');
const binarySig = (name: string, torch: string, other = 'other') => signature(name, torch, [['input', OPERAND], [other, OPERAND]], []);
const unarySig = (name: string, torch: string) => signature(name, torch, [['input', is.tensor]], []);
type Binary = (input: TensorOrScalar, other: TensorOrScalar) => Tensor;
const binary = (fn: Binary, name: string, torch: string): ((...a: ArgsOf<ReturnType<typeof binarySig>>) => Tensor) =>
  define(binarySig(name, torch), (v) => fn(v.input, v.other as TensorOrScalar));
const unary = (fn: (x: Tensor) => Tensor, name: string, torch: string): ((...a: ArgsOf<ReturnType<typeof unarySig>>) => Tensor) =>
  define(unarySig(name, torch), ({ input }) => fn(input));

/** `alpha` scales `other` first, as torch.add(input, other, alpha=2). */
const scaled = (other: TensorOrScalar, alpha: number | undefined): TensorOrScalar =>
  alpha === undefined || alpha === 1 ? other : typeof other === 'number' ? other * alpha : mulOf(other, alpha);
const ALPHA = [['alpha', is.number]] as const;
export const add = define(signature('add', 'torch.', [['input', OPERAND], ['other', OPERAND]], [], ALPHA), ({ input, other, alpha }) => addOf(input, scaled(other, alpha)));
export const sub = define(signature('sub', 'torch.', [['input', OPERAND], ['other', OPERAND]], [], ALPHA), ({ input, other, alpha }) => subOf(input, scaled(other, alpha)));
export const mul = binary(mulOf, 'mul', 'torch.');
/** roundingMode 'trunc' rounds the quotient toward zero, 'floor' down (torch.div's rounding_mode). */
export const div = define(
  signature('div', 'torch.', [['input', OPERAND], ['other', OPERAND]], [], [['roundingMode', is.nullable(is.oneOf('trunc', 'floor'))]]),
  ({ input, other, roundingMode = null }) => {
    if (roundingMode === 'floor') return floorDivideOf(input, other);
    const q = divOf(input, other);
    return roundingMode === 'trunc' ? whereOf(ltOf(q, 0), ceilOf(q), floorOf(q)) : q;
  },
);
export const pow = define(signature('pow', 'torch.', [['input', OPERAND], ['exponent', OPERAND]], []), ({ input, exponent }) => powOf(input, exponent));
export const maximum = binary(maximumOf, 'maximum', 'torch.');
export const minimum = binary(minimumOf, 'minimum', 'torch.');
export const floorDivide = binary(floorDivideOf, 'floorDivide', 'torch.');
/** Python's modulo: the result has the sign of the divisor. */
export const remainder = binary(remainderOf, 'remainder', 'torch.');
export const eq = binary(eqOf, 'eq', 'torch.');
export const ne = binary(neOf, 'ne', 'torch.');
export const gt = binary(gtOf, 'gt', 'torch.');
export const ge = binary(geOf, 'ge', 'torch.');
export const lt = binary(ltOf, 'lt', 'torch.');
export const le = binary(leOf, 'le', 'torch.');
export const logicalAnd = binary(logicalAndOf, 'logicalAnd', 'torch.');
export const logicalOr = binary(logicalOrOf, 'logicalOr', 'torch.');

export const neg = unary(negOf, 'neg', 'torch.');
export const abs = unary(absOf, 'abs', 'torch.');
export const sign = unary(signOf, 'sign', 'torch.');
export const exp = unary(expOf, 'exp', 'torch.');
export const expm1 = unary(expm1Of, 'expm1', 'torch.');
export const log = unary(logOf, 'log', 'torch.');
export const log1p = unary(log1pOf, 'log1p', 'torch.');
export const sqrt = unary(sqrtOf, 'sqrt', 'torch.');
export const rsqrt = unary(rsqrtOf, 'rsqrt', 'torch.');
export const sin = unary(sinOf, 'sin', 'torch.');
export const cos = unary(cosOf, 'cos', 'torch.');
export const tanh = unary(tanhOf, 'tanh', 'torch.');
export const sigmoid = unary(sigmoidOf, 'sigmoid', 'torch.');
export const relu = unary(reluOf, 'relu', 'torch.');
export const reciprocal = unary(reciprocalOf, 'reciprocal', 'torch.');
export const square = unary(squareOf, 'square', 'torch.');
export const floor = unary(floorOf, 'floor', 'torch.');
export const ceil = unary(ceilOf, 'ceil', 'torch.');
/** Rounds half to even, as torch.round. */
export const round = unary(roundOf, 'round', 'torch.');
export const logicalNot = unary(logicalNotOf, 'logicalNot', 'torch.');
export const isfinite = unary(isfiniteOf, 'isfinite', 'torch.');

/** PyTorch's result type: 0-d tensors and scalars only raise the category (bool < int < float), never the width. */
export const resultType = define(signature('resultType', 'torch.', [['tensor1', OPERAND], ['tensor2', OPERAND]], []), ({ tensor1, tensor2 }): DType => {
  if (tensor1 instanceof Tensor || tensor2 instanceof Tensor) return resultTypeOf(...operands('resultType', tensor1, tensor2));
  // two Python scalars: a float wins, then an int; booleans alone stay bool
  const both = [tensor1, tensor2];
  if (both.some((v) => typeof v === 'number' && !Number.isInteger(v))) return 'float32';
  return both.some((v) => typeof v === 'number') ? 'int32' : 'bool';
});

const BOUND = is.nullable(OPERAND);
/** Limits values to [min, max]; the gradient passes where min <= x <= max, as torch.clamp. */
export const clamp = define(signature('clamp', 'torch.', [['input', is.tensor]], [['min', BOUND], ['max', BOUND]]), ({ input, min, max }) => clampOf(input, min, max));

/** Elements of `x` where `condition` is true, else of `y`, broadcasting all three (torch.where). */
export const where = define(
  signature('where', 'torch.', [['condition', is.tensor], ['x', OPERAND], ['y', OPERAND]], []),
  ({ condition, x, y }) => whereOf(condition, x, y),
);

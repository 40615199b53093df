/** Unary, binary and ternary elementwise kernels, with PyTorch's semantics for NaN, rounding and signs. */
import type { DType } from '../../core/dtype.js';
import type { BinaryOp, Storage, UnaryOp, View } from '../backend.js';
import type { GpuContext } from './context.js';
import { computeType, mapKernel } from './map.js';

/** f32 helpers where WGSL's builtins differ from PyTorch (precision near 0, negative bases, NaN). */
export const FLOAT_HELPERS = /* wgsl */ `
fn ck_log(x: f32) -> f32 {
  if (x < 0.0) { return ck_nan(); }
  if (x == 0.0) { return -ck_inf(); }
  if (!ck_isfinite(x)) { return x; }
  return log(x);
}
fn ck_sqrt(x: f32) -> f32 {
  if (x < 0.0) { return ck_nan(); }
  if (!ck_isfinite(x)) { return x; }
  return sqrt(x);
}
fn ck_log1p(x: f32) -> f32 {
  if (x < -1.0) { return ck_nan(); }
  if (x == -1.0) { return -ck_inf(); }
  let u = 1.0 + x;
  if (u == 1.0 || !ck_isfinite(u)) { return select(u, x, u == 1.0); }
  return log(u) * x / (u - 1.0);
}
fn ck_exp(x: f32) -> f32 {
  if (x > 88.72283) { return ck_inf(); }
  if (x < -103.98) { return 0.0; }
  return exp(x);
}
fn ck_expm1(x: f32) -> f32 {
  let u = ck_exp(x);
  if (u == 1.0) { return x; }
  let um1 = u - 1.0;
  if (um1 == -1.0 || !ck_isfinite(u)) { return um1; }
  return um1 * x / log(u);
}
/** sin(x + shift·π/2) to float32 accuracy: Cody-Waite reduction to [-π/4, π/4] and Cephes' polynomials (GPU sin is coarse). */
fn ck_sincos(x: f32, shift: i32) -> f32 {
  if (!ck_isfinite(x)) { return ck_nan(); }
  if (abs(x) > 8192.0) { return select(sin(x), cos(x), shift == 1); }
  let q = round(x * 0.63661977236758134);
  let r = ((x - q * 1.5703125) - q * 4.837512969970703125e-4) - q * 7.54978995489188216e-8;
  let z = r * r;
  let sr = r + r * z * (-1.6666654611e-1 + z * (8.3321608736e-3 + z * -1.9515295891e-4));
  let cr = 1.0 - 0.5 * z + z * z * (4.166664568298827e-2 + z * (-1.388731625493765e-3 + z * 2.443315711809948e-5));
  let quadrant = (i32(q) + shift) & 3;
  if (quadrant == 0) { return sr; }
  if (quadrant == 1) { return cr; }
  if (quadrant == 2) { return -sr; }
  return -cr;
}
fn ck_tanh(x: f32) -> f32 {
  if (abs(x) > 10.0) { return sign(x); }
  return tanh(x);
}
fn ck_sign(x: f32) -> f32 {
  if (x > 0.0) { return 1.0; }
  if (x < 0.0) { return -1.0; }
  return x;
}
/** C's pow at infinite arguments (|a| = 1 and NaN are handled before). */
fn ck_pow_inf(a: f32, b: f32, odd: bool) -> f32 {
  if (!ck_isfinite(b)) {
    let big = abs(a) > 1.0;
    if (b > 0.0) { return select(0.0, ck_inf(), big); }
    return select(ck_inf(), 0.0, big);
  }
  if (a > 0.0) { return select(0.0, ck_inf(), b > 0.0); }
  let m = select(0.0, ck_inf(), b > 0.0);
  return select(m, -m, odd);
}
fn ck_pow(a: f32, b: f32) -> f32 {
  if (b == 0.0 || a == 1.0) { return 1.0; }
  if (ck_isnan(a) || ck_isnan(b)) { return ck_nan(); }
  if (b == 1.0) { return a; }
  if (b == 2.0) { return a * a; }
  let odd = ck_isfinite(b) && floor(b) == b && fract(b * 0.5) != 0.0;
  if (a == 0.0) {
    if (b > 0.0) { return select(0.0, a, odd); }
    return select(ck_inf(), select(ck_inf(), -ck_inf(), bitcast<u32>(a) != 0u), odd);
  }
  if (!ck_isfinite(a) || !ck_isfinite(b)) { return ck_pow_inf(a, b, odd); }
  let m = exp2(b * log2(abs(a)));
  if (a > 0.0) { return m; }
  if (ck_isfinite(b) && floor(b) != b) { return ck_nan(); }
  return select(m, -m, odd);
}
fn ck_max(a: f32, b: f32) -> f32 { if (ck_isnan(a) || ck_isnan(b)) { return ck_nan(); } return max(a, b); }
fn ck_min(a: f32, b: f32) -> f32 { if (ck_isnan(a) || ck_isnan(b)) { return ck_nan(); } return min(a, b); }
fn ck_fmod(a: f32, b: f32) -> f32 {
  let r = a - b * trunc(a / b);
  if (r != 0.0 && ((r < 0.0) != (b < 0.0))) { return r + b; }
  return r;
}
fn ck_floordiv_i(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  let q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) { return q - 1; }
  return q;
}
fn ck_mod_i(a: i32, b: i32) -> i32 {
  if (b == 0) { return 0; }
  let r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) { return r + b; }
  return r;
}
fn ck_erf(x: f32) -> f32 {
  if (ck_isnan(x)) { return x; }
  let z = abs(x);
  if (z < 1.5) {
    let x2 = x * x;
    var term = x;
    var sum = x;
    for (var n = 1; n < 40; n++) {
      term *= -x2 / f32(n);
      sum += term / f32(2 * n + 1);
    }
    return 1.1283791670955126 * sum;
  }
  if (z > 6.0) { return sign(x); }
  var f = z;
  for (var k = 60; k > 0; k--) { f = z + f32(k) * 0.5 / f; }
  let tail = ck_exp(-z * z) * 0.5641895835477563 / f;
  return select(tail - 1.0, 1.0 - tail, x > 0.0);
}
`;

const UNARY_F32: Record<UnaryOp, string> = {
  neg: '-x', abs: 'abs(x)', exp: 'ck_exp(x)', log: 'ck_log(x)', log1p: 'ck_log1p(x)', expm1: 'ck_expm1(x)',
  sqrt: 'ck_sqrt(x)', rsqrt: '1.0 / ck_sqrt(x)', sin: 'ck_sincos(x, 0)', cos: 'ck_sincos(x, 1)', tanh: 'ck_tanh(x)',
  sigmoid: '1.0 / (1.0 + ck_exp(-x))', relu: 'select(x, 0.0, x <= 0.0)', sign: 'ck_sign(x)', floor: 'floor(x)',
  ceil: 'ceil(x)', round: 'round(x)', not: 'select(0, 1, x == 0.0)', isfinite: 'select(0, 1, ck_isfinite(x))',
  reciprocal: '1.0 / x', square: 'x * x',
};

const UNARY_I32: Partial<Record<UnaryOp, string>> = {
  neg: '-x', abs: 'abs(x)', relu: 'max(x, 0)', sign: 'select(select(0, -1, x < 0), 1, x > 0)', floor: 'x', ceil: 'x',
  round: 'x', not: 'select(0, 1, x == 0)', isfinite: '1', square: 'x * x',
};

const NAN_PROPAGATING = new Set<BinaryOp>(['add', 'sub', 'mul', 'div', 'floordiv', 'remainder']);

function binaryF32(op: BinaryOp): string {
  const expr = binaryF32Raw(op);
  return NAN_PROPAGATING.has(op) ? `select(${expr}, ck_nan(), ck_isnan(a) || ck_isnan(b))` : expr;
}

function binaryF32Raw(op: BinaryOp): string {
  const cmp: Partial<Record<BinaryOp, string>> = { eq: '==', ne: '!=', gt: '>', ge: '>=', lt: '<', le: '<=' };
  if (cmp[op]) return `select(0, 1, a ${cmp[op]} b)`;
  const table: Partial<Record<BinaryOp, string>> = {
    add: 'a + b', sub: 'a - b', mul: 'a * b', div: 'a / b', pow: 'ck_pow(a, b)', maximum: 'ck_max(a, b)',
    minimum: 'ck_min(a, b)', and: 'select(0, 1, a != 0.0 && b != 0.0)', or: 'select(0, 1, a != 0.0 || b != 0.0)',
    floordiv: 'floor(a / b)', remainder: 'ck_fmod(a, b)',
  };
  return table[op] as string;
}

function binaryI32(op: BinaryOp): string {
  const cmp: Partial<Record<BinaryOp, string>> = { eq: '==', ne: '!=', gt: '>', ge: '>=', lt: '<', le: '<=' };
  if (cmp[op]) return `select(0, 1, a ${cmp[op]} b)`;
  const table: Record<string, string> = {
    add: 'a + b', sub: 'a - b', mul: 'a * b', div: 'a / b', pow: 'i32(round(ck_pow(f32(a), f32(b))))', maximum: 'max(a, b)',
    minimum: 'min(a, b)', and: 'select(0, 1, a != 0 && b != 0)', or: 'select(0, 1, a != 0 || b != 0)',
    floordiv: 'ck_floordiv_i(a, b)', remainder: 'ck_mod_i(a, b)',
  };
  return table[op];
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** The type an op computes in: the output's, except for predicates (bool out), which compare in their inputs' type. */
function computeIn(outDtype: DType, inputs: readonly DType[], op: string): 'f32' | 'i32' {
  if (outDtype !== 'bool') return computeType(outDtype, op);
  const widest = inputs.reduce((a, b) => (RANK[a] >= RANK[b] ? a : b));
  return computeType(widest, op);
}

export function elementwiseKernels(ctx: GpuContext) {
  return {
    unary(op: UnaryOp, x: View, outDtype: DType): Storage {
      const t = computeIn(outDtype, [x.dtype], op);
      // GPUs (SwiftShader among them) may turn NaN into ±inf inside builtins such as exp: NaN in, NaN out
      const expr = t === 'f32' ? (outDtype === 'bool' ? UNARY_F32[op] : `select(${UNARY_F32[op]}, x, ck_isnan(x))`) : UNARY_I32[op];
      if (!expr) throw new TypeError(`${op}: not supported on webgpu for ${x.dtype} → ${outDtype}`);
      return mapKernel(ctx, op, outDtype, x.shape, [{ view: x, name: 'x', as: t }], expr, { helpers: FLOAT_HELPERS });
    },
    binary(op: BinaryOp, a: View, b: View, outDtype: DType): Storage {
      const t = computeIn(outDtype, [a.dtype, b.dtype], op);
      const expr = t === 'f32' ? binaryF32(op) : binaryI32(op);
      return mapKernel(ctx, op, outDtype, a.shape, [{ view: a, name: 'a', as: t }, { view: b, name: 'b', as: t }], expr, { helpers: FLOAT_HELPERS });
    },
    where(cond: View, a: View, b: View, outDtype: DType): Storage {
      const t = computeType(outDtype, 'where');
      const c = computeType(cond.dtype, 'where');
      const inputs = [{ view: cond, name: 'c', as: c }, { view: a, name: 'a', as: t }, { view: b, name: 'b', as: t }];
      return mapKernel(ctx, 'where', outDtype, cond.shape, inputs, `select(b, a, c != ${c === 'f32' ? '0.0' : '0'})`);
    },
    erf(x: View, outDtype: DType): Storage {
      return mapKernel(ctx, 'erf', outDtype, x.shape, [{ view: x, name: 'x', as: 'f32' }], 'ck_erf(x)', { helpers: FLOAT_HELPERS });
    },
  };
}

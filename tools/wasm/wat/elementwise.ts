/**
 * WebAssembly text for float32 elementwise rows and row sums. A row is `n` outputs; each input either runs
 * along it (stride 1) or stays fixed (stride 0, a broadcast), so per-channel scales and scalars need no copy.
 * add, sub, mul and div round exactly as the reference's double arithmetic rounded to float32 does.
 */
import { WASM_BINARY_OPS, WASM_COMPARE_OPS, WASM_UNARY_OPS, type WasmBinaryOp, type WasmCompareOp, type WasmUnaryOp } from '../../../src/backends/wasm/elementwise-ops.js';
import { add, at, forRange, get, i32, locals } from './loops.js';

/** Binary ops: the vector form and the scalar form for the tail. */
const BINARY_OPS: Record<WasmBinaryOp, [(a: string, b: string) => string, (a: string, b: string) => string]> = {
  add: [(a, b) => `(f32x4.add ${a} ${b})`, (a, b) => `(f32.add ${a} ${b})`],
  sub: [(a, b) => `(f32x4.sub ${a} ${b})`, (a, b) => `(f32.sub ${a} ${b})`],
  mul: [(a, b) => `(f32x4.mul ${a} ${b})`, (a, b) => `(f32.mul ${a} ${b})`],
  div: [(a, b) => `(f32x4.div ${a} ${b})`, (a, b) => `(f32.div ${a} ${b})`],
  // wasm's max/min return NaN when either input is NaN, as the reference's maximum/minimum do
  maximum: [(a, b) => `(f32x4.max ${a} ${b})`, (a, b) => `(f32.max ${a} ${b})`],
  minimum: [(a, b) => `(f32x4.min ${a} ${b})`, (a, b) => `(f32.min ${a} ${b})`],
};

/** Unary ops: vector and scalar forms. relu zeroes where x <= 0, so NaN passes through as in PyTorch. */
const UNARY_OPS: Record<WasmUnaryOp, [(x: string) => string, (x: string) => string]> = {
  relu: [(x) => `(v128.andnot ${x} (f32x4.le ${x} (v128.const i32x4 0 0 0 0)))`, (x) => `(select (f32.const 0) ${x} (f32.le ${x} (f32.const 0)))`],
  neg: [(x) => `(f32x4.neg ${x})`, (x) => `(f32.neg ${x})`],
  abs: [(x) => `(f32x4.abs ${x})`, (x) => `(f32.abs ${x})`],
  sqrt: [(x) => `(f32x4.sqrt ${x})`, (x) => `(f32.sqrt ${x})`],
  square: [(x) => `(f32x4.mul ${x} ${x})`, (x) => `(f32.mul ${x} ${x})`],
};

/** Comparisons as f32x4 masks and i32 flags; NaN compares as JavaScript does (unequal to everything). */
const COMPARE_OPS: Record<WasmCompareOp, string> = { gt: 'gt', ge: 'ge', lt: 'lt', le: 'le', eq: 'eq', ne: 'ne' };

/** A row writer: `store(i, vectorValue | scalarValue)` for float outputs or bool bytes. */
interface Output {
  vector: (a: string, b: string) => string;
  scalar: (a: string, b: string) => string;
}

const floatOutput = (name: WasmBinaryOp): Output => {
  const [vec, scalar] = BINARY_OPS[name];
  return {
    vector: (a, b) => `(v128.store ${at(get('$out'), get('$i'))} ${vec(a, b)})`,
    scalar: (a, b) => `(f32.store ${at(get('$out'), get('$i'))} ${scalar(a, b)})`,
  };
};

/** Four comparison masks narrowed to four 0/1 bytes, stored as one 32-bit lane. */
const boolOutput = (name: WasmCompareOp): Output => ({
  vector: (a, b) => `(v128.store32_lane 0 ${add(get('$out'), get('$i'))}
    (v128.and (v128.const i8x16 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1)
      (i8x16.narrow_i16x8_s (i16x8.narrow_i32x4_s (f32x4.${COMPARE_OPS[name]} ${a} ${b}) (v128.const i32x4 0 0 0 0)) (v128.const i32x4 0 0 0 0))))`,
  scalar: (a, b) => `(i32.store8 ${add(get('$out'), get('$i'))} (f32.${COMPARE_OPS[name]} ${a} ${b}))`,
});

/** out[i] = x[i·xs] ∘ y[i·ys]; one loop per stride pattern so the loop body has no branch. */
function binary(kind: string, name: string, out: Output): string {
  const [vec, scalar] = [out.vector, out.scalar];
  // a strided operand is loaded at i; a broadcast one was loaded once, as a splat and as a scalar
  const operand = (p: string, strided: boolean, vector: boolean): string =>
    strided ? `(${vector ? 'v128' : 'f32'}.load ${at(get(p), get('$i'))})` : get(`${p}${vector ? 'vec' : 'val'}`);
  const loops = (xs: boolean, ys: boolean): string => `
      (local.set $i (i32.const 0))
      (block $done (loop $vec
        (br_if $done (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
        ${vec(operand('$x', xs, true), operand('$y', ys, true))}
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $vec)))
      ${forRange('$i', get('$i'), get('$n'), scalar(operand('$x', xs, false), operand('$y', ys, false)))}`;
  return `
  (func (export "${kind}_${name}") (param $out i32) (param $x i32) (param $xs i32) (param $y i32) (param $ys i32) (param $n i32)
    (local $i i32) (local $xval f32) (local $yval f32) (local $xvec v128) (local $yvec v128)
    (local.set $xval (f32.load (local.get $x))) (local.set $xvec (f32x4.splat (local.get $xval)))
    (local.set $yval (f32.load (local.get $y))) (local.set $yvec (f32x4.splat (local.get $yval)))
    (if (i32.and (local.get $xs) (local.get $ys)) (then ${loops(true, true)} (return)))
    (if (local.get $xs) (then ${loops(true, false)} (return)))
    ${loops(false, true)})`;
}

function unary(name: WasmUnaryOp): string {
  const [vec, scalar] = UNARY_OPS[name];
  return `
  (func (export "unary_${name}") (param $out i32) (param $x i32) (param $n i32)
    (local $i i32) (local $v v128) (local $s f32)
    (block $done (loop $vec
      (br_if $done (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
      (local.set $v (v128.load ${at(get('$x'), get('$i'))}))
      (v128.store ${at(get('$out'), get('$i'))} ${vec('(local.get $v)')})
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $vec)))
    ${forRange('$i', get('$i'), get('$n'), `(local.set $s (f32.load ${at(get('$x'), get('$i'))})) (f32.store ${at(get('$out'), get('$i'))} ${scalar('(local.get $s)')})`)})`;
}

/** sums[r] = Σ_j x[r·len + j] for r < rows, accumulated in float64 as the reference kernel does. */
const sumRows = `
  (func (export "sumRows") (param $x i32) (param $rows i32) (param $len i32) (param $sums i32)
    ${locals(['$r', '$j', '$p'])} (local $lo v128) (local $hi v128) (local $v v128) (local $s f64)
    ${forRange('$r', i32(0), get('$rows'), `
      (local.set $lo (v128.const i64x2 0 0)) (local.set $hi (v128.const i64x2 0 0))
      (local.set $p ${at(get('$x'), `(i32.mul ${get('$r')} ${get('$len')})`)})
      (local.set $j (i32.const 0))
      (block $done (loop $vec
        (br_if $done (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $len)))
        (local.set $v (v128.load ${at(get('$p'), get('$j'))}))
        (local.set $lo (f64x2.add (local.get $lo) (f64x2.promote_low_f32x4 (local.get $v))))
        (local.set $hi (f64x2.add (local.get $hi) (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $v) (local.get $v)))))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $vec)))
      (local.set $lo (f64x2.add (local.get $lo) (local.get $hi)))
      (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $lo)) (f64x2.extract_lane 1 (local.get $lo))))
      ${forRange('$j', get('$j'), get('$len'), `(local.set $s (f64.add (local.get $s) (f64.promote_f32 (f32.load ${at(get('$p'), get('$j'))}))))`)}
      (f64.store ${add(get('$sums'), `(i32.shl ${get('$r')} (i32.const 3))`)} (local.get $s))`)})`;

export function elementwiseWat(): string {
  return [
    ...WASM_BINARY_OPS.map((op) => binary('binary', op, floatOutput(op))),
    ...WASM_COMPARE_OPS.map((op) => binary('compare', op, boolOutput(op))),
    ...WASM_UNARY_OPS.map(unary),
    sumRows,
  ].join('\n');
}

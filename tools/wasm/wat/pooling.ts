/**
 * WebAssembly text for 2-D max pooling over planes [p0, p1). The windows come as a record of i32:
 * [H, W, oH, oW, stepH, stepW, kW, strideW, owLo, owHi, startH[oH], firstH[oH], endH[oH], startW[oW], firstW[oW], endW[oW]],
 * where output o along a dim reads positions start[o] + j·step for first[o] <= j < end[o] (the taps inside the
 * input). Outputs owLo <= ow < owHi have whole windows of kW taps starting strideW apart: those go four at a time
 * through f32x4 lanes; the rest (clipped edges, adaptive windows) one at a time.
 * Both paths follow PyTorch's CPU kernel exactly: the index starts at the first tap inside the input, the value at
 * -inf, and a tap is taken when it is greater or NaN, so ties keep the first maximum and the last NaN wins.
 */
import { add, at, forRange, get, i32, locals, mul } from './loops.js';

const HEAD = 10;
const field = (i: number): string => `(i32.load offset=${4 * i} (local.get $rec))`;
/** Entry o of the per-output array that starts `before` ints after the head. */
const perOutput = (before: string, o: string): string => `(i32.load ${at(add(get('$rec'), i32(4 * HEAD)), add(before, o))})`;
const [oH, oW] = [get('$oH'), get('$oW')];
/** Index in the plane of the first tap inside the window of row oh that starts at column $w0. */
const firstTap = add(mul(add(get('$h0'), mul(get('$jh0'), get('$sh'))), get('$W')), get('$w0'));
const rowStart = add(mul(add(get('$h0'), mul(get('$jh'), get('$sh'))), get('$W')), get('$w0'));

/**
 * One output, tap by tap. Integer selects: V8 turns a float select into a branch, which mispredicts on real data;
 * the value is compared as a float and moved as its bits.
 */
const scalarOutput = `
  (local.set $w0 ${perOutput(mul(i32(3), oH), get('$ow'))})
  (local.set $jw0 ${perOutput(add(mul(i32(3), oH), oW), get('$ow'))})
  (local.set $jw1 ${perOutput(add(mul(i32(3), oH), mul(i32(2), oW)), get('$ow'))})
  (local.set $best (i32.const 0xff800000)) ;; -inf
  (local.set $where ${add(firstTap, mul(get('$jw0'), get('$sw')))})
  ${forRange('$jh', get('$jh0'), get('$jh1'), `
    (local.set $row ${rowStart})
    ${forRange('$jw', get('$jw0'), get('$jw1'), `
      (local.set $i ${add(get('$row'), mul(get('$jw'), get('$sw')))})
      (local.set $v (i32.load ${at(get('$xb'), get('$i'))}))
      (local.set $take (i32.or (f32.gt (f32.reinterpret_i32 (local.get $v)) (f32.reinterpret_i32 (local.get $best)))
                               (f32.ne (f32.reinterpret_i32 (local.get $v)) (f32.reinterpret_i32 (local.get $v)))))
      (local.set $best (select (local.get $v) (local.get $best) (local.get $take)))
      (local.set $where (select (local.get $i) (local.get $where) (local.get $take)))`)}`)}
  (i32.store ${at(get('$values'), get('$out'))} (local.get $best))
  (i32.store ${at(get('$indices'), get('$out'))} (local.get $where))`;

/**
 * Four input values strideW apart from byte address `a`, one per lane: a plain load, a deinterleave, or lane by
 * lane. The deinterleave also reads the value after the fourth lane's, which may lie past the plane: the output
 * arrays are allocated after the input, so it is still inside the memory.
 */
const LOADS: Record<string, (a: string) => string> = {
  unit: (a) => `(v128.load ${a})`,
  two: (a) => `(i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (v128.load ${a}) (v128.load offset=16 ${a}))`,
  any: (a) => [1, 2, 3].reduce((v, l) => `(v128.load32_lane ${l} ${add(a, mul(i32(4 * l), get('$swin')))} ${v})`, `(v128.load32_zero ${a})`),
};

/**
 * Outputs ow..ow+3 of row oh: whole windows along W, the row's clipped taps along H. The lanes' indices move
 * together, so one index vector per tap is the first lane's index plus [0, 1, 2, 3]·strideW.
 */
const vectorOutputs = (load: (a: string) => string): string => `
  (local.set $where4 (i32x4.add (i32x4.splat ${firstTap}) (local.get $lanes)))
  (local.set $best4 (v128.const f32x4 -inf -inf -inf -inf))
  ${forRange('$jh', get('$jh0'), get('$jh1'), `
    (local.set $row ${rowStart})
    ${forRange('$jw', i32(0), get('$kW'), `
      (local.set $i ${add(get('$row'), mul(get('$jw'), get('$sw')))})
      (local.set $v4 ${load(at(get('$xb'), get('$i')))})
      (local.set $take4 (v128.or (f32x4.gt (local.get $v4) (local.get $best4)) (f32x4.ne (local.get $v4) (local.get $v4))))
      (local.set $best4 (v128.bitselect (local.get $v4) (local.get $best4) (local.get $take4)))
      (local.set $where4 (v128.bitselect (i32x4.add (i32x4.splat (local.get $i)) (local.get $lanes)) (local.get $where4) (local.get $take4)))`)}`)}
  (v128.store ${at(get('$values'), get('$out'))} (local.get $best4))
  (v128.store ${at(get('$indices'), get('$out'))} (local.get $where4))`;

/** Outputs of row oh from $ow on, `count` at a time while `more` holds. */
const outputRun = (more: string, count: number, body: string): string => `
  (block $done (loop $each
    (br_if $done (i32.eqz ${more}))
    ${body}
    (local.set $ow (i32.add (local.get $ow) (i32.const ${count})))
    (local.set $out (i32.add (local.get $out) (i32.const ${count})))
    (br $each)))`;

const scalarRun = (end: string): string => outputRun(`(i32.lt_s (local.get $ow) ${end})`, 1, scalarOutput);
const vectorRun = (load: (a: string) => string): string => outputRun(`(i32.le_s (i32.add (local.get $ow) (i32.const 4)) (local.get $owHi))`, 4, `
  (local.set $w0 ${perOutput(mul(i32(3), oH), get('$ow'))})
  ${vectorOutputs(load)}`);

export function poolingWat(): string {
  return `
  (func (export "maxPool2d") (param $rec i32) (param $x i32) (param $values i32) (param $indices i32) (param $p0 i32) (param $p1 i32)
    ${locals(['$H', '$W', '$oH', '$oW', '$sh', '$sw', '$kW', '$swin', '$owLo', '$owHi', '$p', '$oh', '$ow', '$jh', '$jw', '$jh0', '$jh1', '$jw0', '$jw1',
      '$h0', '$w0', '$row', '$i', '$where', '$xb', '$out', '$take', '$best', '$v'])}
    ${locals(['$lanes', '$where4', '$best4', '$v4', '$take4'], 'v128')}
    (local.set $H ${field(0)}) (local.set $W ${field(1)}) (local.set $oH ${field(2)}) (local.set $oW ${field(3)})
    (local.set $sh ${field(4)}) (local.set $sw ${field(5)}) (local.set $kW ${field(6)}) (local.set $swin ${field(7)})
    (local.set $owLo ${field(8)}) (local.set $owHi ${field(9)})
    (local.set $lanes (i32x4.mul (v128.const i32x4 0 1 2 3) (i32x4.splat (local.get $swin))))
    (local.set $out ${mul(get('$p0'), oH, oW)})
    ${forRange('$p', get('$p0'), get('$p1'), `
      (local.set $xb ${at(get('$x'), mul(get('$p'), get('$H'), get('$W')))})
      ${forRange('$oh', i32(0), oH, `
        (local.set $h0 ${perOutput(i32(0), get('$oh'))})
        (local.set $jh0 ${perOutput(oH, get('$oh'))})
        (local.set $jh1 ${perOutput(mul(i32(2), oH), get('$oh'))})
        (local.set $ow (i32.const 0))
        ${scalarRun(get('$owLo'))}
        (if (i32.eq (local.get $swin) (i32.const 1)) (then ${vectorRun(LOADS.unit)})
          (else (if (i32.eq (local.get $swin) (i32.const 2)) (then ${vectorRun(LOADS.two)}) (else ${vectorRun(LOADS.any)}))))
        ${scalarRun(oW)}`)}`)})`;
}

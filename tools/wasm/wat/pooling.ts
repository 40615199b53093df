/**
 * WebAssembly text for 2-D max pooling over planes [p0, p1). The windows come as a record of i32:
 * [H, W, oH, oW, stepH, stepW, startH[oH], firstH[oH], endH[oH], startW[oW], firstW[oW], endW[oW]], where output
 * o along a dim reads positions start[o] + j·step for first[o] <= j < end[o] (the taps inside the input).
 * Ties keep the first maximum and NaN wins, as the reference kernel and PyTorch.
 */
import { add, at, forRange, get, i32, locals, mul } from './loops.js';

const field = (i: number): string => `(i32.load offset=${4 * i} (local.get $rec))`;
/** Entry o of the per-output array that starts `before` ints after the six scalars. */
const perOutput = (before: string, o: string): string => `(i32.load ${at(add(get('$rec'), i32(24)), add(before, o))})`;

export function poolingWat(): string {
  const [oH, oW] = [get('$oH'), get('$oW')];
  return `
  (func (export "maxPool2d") (param $rec i32) (param $x i32) (param $values i32) (param $indices i32) (param $p0 i32) (param $p1 i32)
    ${locals(['$H', '$W', '$oH', '$oW', '$sh', '$sw', '$p', '$oh', '$ow', '$jh', '$jw', '$jh1', '$jw0', '$jw1', '$h0', '$w0', '$row', '$i', '$where', '$xb', '$out', '$take'])}
    (local $best f32) (local $v f32)
    (local.set $H ${field(0)}) (local.set $W ${field(1)}) (local.set $oH ${field(2)}) (local.set $oW ${field(3)})
    (local.set $sh ${field(4)}) (local.set $sw ${field(5)})
    (local.set $out ${mul(get('$p0'), oH, oW)})
    ${forRange('$p', get('$p0'), get('$p1'), `
      (local.set $xb ${at(get('$x'), mul(get('$p'), get('$H'), get('$W')))})
      ${forRange('$oh', i32(0), oH, forRange('$ow', i32(0), oW, `
        (local.set $best (f32.const -inf))
        (local.set $where (i32.const -1))
        (local.set $h0 ${perOutput(i32(0), get('$oh'))})
        (local.set $w0 ${perOutput(mul(i32(3), oH), get('$ow'))})
        (local.set $jh1 ${perOutput(mul(i32(2), oH), get('$oh'))})
        (local.set $jw0 ${perOutput(add(mul(i32(3), oH), oW), get('$ow'))})
        (local.set $jw1 ${perOutput(add(mul(i32(3), oH), mul(i32(2), oW)), get('$ow'))})
        ${forRange('$jh', perOutput(oH, get('$oh')), get('$jh1'), `
          (local.set $row ${add(mul(add(get('$h0'), mul(get('$jh'), get('$sh'))), get('$W')), get('$w0'))})
          ${forRange('$jw', get('$jw0'), get('$jw1'), `
            (local.set $i ${add(get('$row'), mul(get('$jw'), get('$sw')))})
            (local.set $v (f32.load ${at(get('$xb'), get('$i'))}))
            ;; selects, not a branch: on real data the comparison is a coin flip the predictor loses
            (local.set $take (i32.or (i32.or (i32.lt_s (local.get $where) (i32.const 0)) (f32.gt (local.get $v) (local.get $best))) (f32.ne (local.get $v) (local.get $v))))
            (local.set $best (select (local.get $v) (local.get $best) (local.get $take)))
            (local.set $where (select (local.get $i) (local.get $where) (local.get $take)))`)}`)}
        (f32.store ${at(get('$values'), get('$out'))} (local.get $best))
        (i32.store ${at(get('$indices'), get('$out'))} (local.get $where))
        (local.set $out (i32.add (local.get $out) (i32.const 1)))`))}`)})`;
}

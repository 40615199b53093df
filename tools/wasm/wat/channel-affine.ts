/**
 * WebAssembly text for the fused per-channel scale and shift (src/ops/channel-affine.ts): rows [r0, r1) of
 * x [N·C rows, L], row r in channel r mod C. A separate multiply and add (never a fused one), so each step
 * rounds as the reference's does. One loop per combination of shift, residual and relu keeps the loops branch-free.
 */
import { at, forRange, get } from './loops.js';

interface Parts {
  shift: boolean;
  residual: boolean;
  relu: boolean;
}

/** The value at element $i of the row, as a vector (f32x4) or a scalar (f32). */
function value(p: Parts, kind: 'f32x4' | 'f32'): string {
  const load = kind === 'f32x4' ? 'v128.load' : 'f32.load';
  const [s, t] = kind === 'f32x4' ? ['$sv', '$tv'] : ['$s', '$t'];
  let v = `(${kind}.mul (${load} ${at(get('$xr'), get('$i'))}) ${get(s)})`;
  if (p.shift) v = `(${kind}.add ${v} ${get(t)})`;
  if (p.residual) v = `(${kind}.add ${v} (${load} ${at(get('$rr'), get('$i'))}))`;
  if (!p.relu) return v;
  // x <= 0 ? 0 : x as the reference and torch.relu (NaN passes)
  return kind === 'f32x4'
    ? `(v128.andnot (local.tee $v ${v}) (f32x4.le (local.get $v) (v128.const i32x4 0 0 0 0)))`
    : `(select (f32.const 0) (local.tee $f ${v}) (f32.le (local.get $f) (f32.const 0)))`;
}

function rows(p: Parts): string {
  return forRange('$r', get('$r0'), get('$r1'), `
      (local.set $c (i32.rem_u (local.get $r) (local.get $C)))
      (local.set $s (f32.load ${at(get('$scale'), get('$c'))}))
      (local.set $sv (f32x4.splat (local.get $s)))
      ${p.shift ? `(local.set $t (f32.load ${at(get('$shift'), get('$c'))})) (local.set $tv (f32x4.splat (local.get $t)))` : ''}
      (local.set $base (i32.mul (local.get $r) (local.get $L)))
      (local.set $xr ${at(get('$x'), get('$base'))})
      (local.set $rr ${at(get('$res'), get('$base'))})
      (local.set $yr ${at(get('$out'), get('$base'))})
      (local.set $i (i32.const 0))
      (block $done (loop $vec
        (br_if $done (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $L)))
        (v128.store ${at(get('$yr'), get('$i'))} ${value(p, 'f32x4')})
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $vec)))
      ${forRange('$i', get('$i'), get('$L'), `(f32.store ${at(get('$yr'), get('$i'))} ${value(p, 'f32')})`)}`);
}

export function channelAffineWat(): string {
  const variants: string[] = [];
  for (const shift of [false, true]) for (const residual of [false, true]) for (const relu of [false, true]) {
    const flags = `(i32.and (i32.and (i32.eq (i32.ne (local.get $shift) (i32.const 0)) (i32.const ${+shift})) (i32.eq (i32.ne (local.get $res) (i32.const 0)) (i32.const ${+residual}))) (i32.eq (local.get $relu) (i32.const ${+relu})))`;
    variants.push(`(if ${flags} (then ${rows({ shift, residual, relu })} (return)))`);
  }
  return `
  ;; shift and res are 0 when absent; relu is 0 or 1
  (func (export "channelAffine") (param $out i32) (param $x i32) (param $res i32) (param $scale i32) (param $shift i32)
    (param $r0 i32) (param $r1 i32) (param $C i32) (param $L i32) (param $relu i32)
    (local $r i32) (local $c i32) (local $i i32) (local $base i32) (local $xr i32) (local $rr i32) (local $yr i32)
    (local $s f32) (local $t f32) (local $f f32) (local $sv v128) (local $tv v128) (local $v v128)
    ${variants.join('\n    ')})`;
}

/**
 * WebAssembly text for the activation gradients (src/ops/activation-backward.ts): out[i] from the output
 * gradient g[i], the saved tensor s[i] and a parameter p, four lanes at a time. The masks are bit selects, so
 * the loops have no data-dependent branch, and the arithmetic is PyTorch's float32 order.
 */
import { ACTIVATION_GRADS, type ActivationGrad } from '../../../src/backends/wasm/activation-ops.js';
import { at, forRange, get } from './loops.js';

/** Vector and scalar forms of each gradient, given g, s and the parameter (splat for the vector form). */
const FORMS: Record<ActivationGrad, [(g: string, s: string, p: string) => string, (g: string, s: string, p: string) => string]> = {
  // s <= p ? 0 : g; NaN in s compares false and passes g, ±inf or NaN in g still give 0 where masked
  threshold: [(g, s, p) => `(v128.andnot ${g} (f32x4.le ${s} ${p}))`, (g, s, p) => `(select (f32.const 0) ${g} (f32.le ${s} ${p}))`],
  // s > 0 ? g : g·p
  leakyRelu: [
    (g, s, p) => `(v128.bitselect ${g} (f32x4.mul ${g} ${p}) (f32x4.gt ${s} (v128.const i32x4 0 0 0 0)))`,
    (g, s, p) => `(select ${g} (f32.mul ${g} ${p}) (f32.gt ${s} (f32.const 0)))`,
  ],
  // g·(1 - s)·s
  sigmoid: [
    (g, s) => `(f32x4.mul (f32x4.mul ${g} (f32x4.sub (v128.const f32x4 1 1 1 1) ${s})) ${s})`,
    (g, s) => `(f32.mul (f32.mul ${g} (f32.sub (f32.const 1) ${s})) ${s})`,
  ],
  // g·(1 - s²)
  tanh: [
    (g, s) => `(f32x4.mul ${g} (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul ${s} ${s})))`,
    (g, s) => `(f32.mul ${g} (f32.sub (f32.const 1) (f32.mul ${s} ${s})))`,
  ],
};

function activationGradient(op: ActivationGrad): string {
  const [vector, scalar] = FORMS[op];
  const load = (type: string, p: string): string => `(${type}.load ${at(get(p), get('$i'))})`;
  return `
  (func (export "activation_${op}") (param $out i32) (param $g i32) (param $s i32) (param $n i32) (param $p f32)
    (local $i i32) (local $pv v128)
    (local.set $pv (f32x4.splat (local.get $p)))
    (block $done (loop $vec
      (br_if $done (i32.gt_s (i32.add (local.get $i) (i32.const 4)) (local.get $n)))
      (v128.store ${at(get('$out'), get('$i'))} ${vector(load('v128', '$g'), load('v128', '$s'), get('$pv'))})
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $vec)))
    ${forRange('$i', get('$i'), get('$n'), `(f32.store ${at(get('$out'), get('$i'))} ${scalar(load('f32', '$g'), load('f32', '$s'), get('$p'))})`)})`;
}

export function activationWat(): string {
  return ACTIVATION_GRADS.map(activationGradient).join('\n');
}

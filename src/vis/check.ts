/** Argument checks shared by ck.vis: every public function validates what it is given and names itself. */
import { Tensor } from '../core/tensor.js';
import { fmt } from '../core/shape.js';
import { Module } from '../nn/module.js';
import { describe } from '../ops/dispatch.js';

/** Refuses keys an options object does not know (a misspelt option must not be silently ignored). */
/** A received value for an error message: numbers and strings as themselves, tensors by shape. */
export function show(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v) && v.length <= 8 && v.every((e) => typeof e === 'number')) return `[${v.join(', ')}]`;
  return describe(v);
}

export function checkKeys(op: string, opts: unknown, known: readonly string[]): Record<string, unknown> {
  if (opts === undefined) return {};
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts)) throw new TypeError(`${op}: expected an options object, got ${describe(opts)}`);
  for (const k of Object.keys(opts)) {
    if (!known.includes(k)) throw new TypeError(`${op}: unknown option '${k}'; known options: ${known.join(', ')}`);
  }
  return opts as Record<string, unknown>;
}

export function checkModule(op: string, model: unknown): asserts model is Module {
  if (!(model instanceof Module)) throw new TypeError(`${op}: expected an nn.Module as the model, got ${describe(model)}`);
}

/** A floating tensor with one of the allowed ranks. */
export function checkImage(op: string, name: string, x: unknown, ranks: readonly number[]): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected ${name} to be a Tensor, got ${describe(x)}`);
  if (!ranks.includes(x.ndim)) throw new RangeError(`${op}: expected ${name} with ${ranks.join(' or ')} dimensions, got shape ${fmt(x.shape)}`);
  if (x.dtype !== 'float32' && x.dtype !== 'float64') throw new TypeError(`${op}: expected a floating point ${name}, got ${x.dtype}`);
}

export function intIn(op: string, name: string, v: unknown, min: number, max = Infinity): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new RangeError(`${op}: ${name} must be an integer in [${min}, ${max === Infinity ? '∞' : max}], got ${show(v)}`);
  }
  return v;
}

export function numberIn(op: string, name: string, v: unknown, min: number, max = Infinity): number {
  if (typeof v !== 'number' || !(v >= min && v <= max)) throw new RangeError(`${op}: ${name} must be a number in [${min}, ${max}], got ${show(v)}`);
  return v;
}

export function oneOf<T extends string>(op: string, name: string, v: unknown, values: readonly T[]): T {
  if (!values.includes(v as T)) throw new RangeError(`${op}: ${name} must be one of ${values.map((s) => `'${s}'`).join(', ')}, got ${show(v)}`);
  return v as T;
}

/** The target class of each of n images: one number for all, or one per image. */
export function targets(op: string, target: unknown, n: number, classes: number): number[] {
  const list = typeof target === 'number' ? new Array<number>(n).fill(target) : target;
  if (!Array.isArray(list) || list.length !== n) throw new RangeError(`${op}: target must be a class index or an array of ${n} (one per image), got ${show(target)}`);
  list.forEach((t) => intIn(op, 'target', t, 0, classes - 1));
  return list as number[];
}

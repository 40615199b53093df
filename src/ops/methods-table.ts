/**
 * How Tensor methods are declared once: an op file's table of methods is attached to Tensor.prototype by
 * `attachMethods`, and the table's type is merged into the `Tensor` interface (`interface Tensor extends
 * typeof table`), so a method's signature is written in one place, next to its body.
 */
import { Tensor } from '../core/tensor.js';

type Tail<T> = T extends readonly [unknown, ...infer Rest] ? Rest : never;

/** A method's signature: the op's, without the tensor itself (`x.var(1, false)` for `var(x, 1, false)`). */
export type MethodOf<F extends (...args: never[]) => unknown> = (this: Tensor, ...args: Tail<Parameters<F>>) => ReturnType<F>;

/** The method that calls `op` with the tensor as its first argument and every argument the caller gave. */
export function method<F extends (...args: never[]) => unknown>(op: F): MethodOf<F> {
  const call = op as unknown as (...args: unknown[]) => ReturnType<F>;
  return function (this: Tensor, ...args: unknown[]) {
    return call(this, ...args);
  } as MethodOf<F>;
}

type AnyOp = (...args: never[]) => unknown;

/**
 * The methods of a table of ops, by name. A mapped type, so that the `Tensor` interface can extend it: its
 * members' types are resolved when used, not while TypeScript is still building `Tensor` (the ops' own types
 * mention Tensor).
 */
export type MethodsOf<T> = { [K in keyof T]: T[K] extends AnyOp ? MethodOf<T[K]> : never };

export function methodsOf<T extends object>(ops: T): MethodsOf<T> {
  return Object.fromEntries(Object.entries(ops).map(([name, op]) => [name, method(op as AnyOp)])) as MethodsOf<T>;
}

/**
 * Defines every member of `table` on Tensor.prototype (methods, and getters as read-only properties), not
 * enumerable like class methods. The table's own type is what its module merges into the `Tensor` interface.
 */
export function attachMethods(table: object): void {
  for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(table))) {
    if (name in Tensor.prototype) throw new Error(`attachMethods: Tensor.${name} is already defined`);
    Object.defineProperty(Tensor.prototype, name, { ...descriptor, enumerable: false });
  }
}

/** Small WebAssembly-text builders shared by the kernel generators, so loops read as loops. */

let labels = 0;

/** `for (v = from; v < to; v++) body`, with `to` re-evaluated each time (i32, signed compare). */
export function forRange(v: string, from: string, to: string, body: string, step = '(i32.const 1)'): string {
  const id = labels++;
  return `(local.set ${v} ${from})
    (block $exit${id} (loop $next${id}
      (br_if $exit${id} (i32.ge_s (local.get ${v}) ${to}))
      ${body}
      (local.set ${v} (i32.add (local.get ${v}) ${step}))
      (br $next${id})))`;
}

export const get = (v: string): string => `(local.get ${v})`;
export const set = (v: string, e: string): string => `(local.set ${v} ${e})`;
export const i32 = (n: number): string => `(i32.const ${n})`;
export const add = (...es: string[]): string => es.reduce((a, b) => `(i32.add ${a} ${b})`);
export const mul = (...es: string[]): string => es.reduce((a, b) => `(i32.mul ${a} ${b})`);
export const sub = (a: string, b: string): string => `(i32.sub ${a} ${b})`;
/** Byte address of element `index` of a float32 array at `base`. */
export const at = (base: string, index: string): string => `(i32.add ${base} (i32.shl ${index} (i32.const 2)))`;
export const locals = (names: readonly string[], type = 'i32'): string => names.map((n) => `(local ${n} ${type})`).join(' ');

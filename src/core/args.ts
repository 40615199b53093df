/**
 * PyTorch's calling convention for every public callable: positional parameters in PyTorch's order and/or a
 * trailing options object with the same names in camelCase, e.g. `new nn.Conv2d(3, 16, 5, 2)` ≡
 * `new nn.Conv2d(3, 16, 5, { stride: 2 })`. A callable states its parameter list once (`signature`), and
 * `parseArgs` turns whatever came into one record of named values. Nothing is silently ignored: an unknown
 * option key, a value of the wrong type, a parameter given twice and too many arguments are errors that name
 * the callable, the parameter and what came.
 */
import { Generator } from './random.js';
import { Tensor } from './tensor.js';

/** A run-time type test with the words an error message uses ("an int or a tuple of ints"). */
export interface Check<T> {
  readonly expected: string;
  readonly test: (v: unknown) => boolean;
  /** Phantom: carries T for the TypeScript types derived from a signature. */
  readonly __type?: T;
}

export function check<T>(expected: string, test: (v: unknown) => boolean): Check<T> {
  return { expected, test };
}

export type Param = readonly [name: string, check: Check<unknown>];
export type ParamList = readonly Param[];

/** One callable's parameters: required and optional positional ones (PyTorch's order), then keyword-only ones. */
export interface Signature<Req extends ParamList = ParamList, Opt extends ParamList = ParamList, Kw extends ParamList = ParamList> {
  /** The name errors use: 'Conv2d', 'conv2d', 'Tensor.var'. */
  readonly name: string;
  /** PyTorch's qualified name ('torch.nn.Conv2d'), or null where PyTorch has no such callable. */
  readonly torch: string | null;
  readonly required: Req;
  readonly optional: Opt;
  readonly keyword: Kw;
  /** PyTorch's `*sizes`/`*tensors`: the positional values after the listed ones, each checked, as one array. */
  readonly rest?: Param;
}

/** Every signature defined, by name: the table the conformance tests walk. */
export const signatures = new Map<string, Signature>();

/**
 * PyTorch's qualified name of `name` under the module `prefix` ('torch.nn.functional.'): class names as they are
 * ('Conv2d'), functions in snake case ('maxPool2d' is max_pool2d); a dotted name keeps its last part
 * ('Embedding.fromPretrained' is from_pretrained).
 */
function torchName(prefix: string, name: string): string {
  const last = name.slice(name.lastIndexOf('.') + 1);
  return prefix + (last[0] < 'a' ? last : last.replace(/([a-z\d])([A-Z])/g, '$1_$2').toLowerCase());
}

/**
 * `torch` is PyTorch's qualified name, or only its module ('torch.nn.') where the rest follows from `name` as
 * torchName spells it: most signatures give that, which keeps the tables short in a browser bundle.
 */
export function signature<const Req extends ParamList, const Opt extends ParamList, const Kw extends ParamList = readonly []>(
  name: string, torch: string | null, required: Req, optional: Opt, keyword?: Kw, rest?: Param,
): Signature<Req, Opt, Kw> {
  if (torch?.endsWith('.')) torch = torchName(torch, name);
  const sig = { name, torch, required, optional, keyword: (keyword ?? []) as unknown as Kw, ...(rest ? { rest } : {}) };
  signatures.set(torch ?? name, sig);
  return sig;
}

type TypeOf<C> = C extends Check<infer T> ? T : never;
type Types<P extends ParamList> = { -readonly [K in keyof P]: P[K] extends readonly [string, infer C] ? TypeOf<C> : never };
type Named<P extends Param> = { [E in P as E[0]]?: TypeOf<E[1]> };
type Prefixes<Acc extends unknown[], Rest extends unknown[], O> =
  | [...Acc, O?]
  | (Rest extends [infer H, ...infer R] ? Prefixes<[...Acc, (H | undefined)?], R, O> : never);

/** The options object of a signature: every optional and keyword-only parameter by name. */
export type OptionsOf<S> = S extends Signature<ParamList, infer Opt, infer Kw> ? Named<Opt[number] | Kw[number]> : never;

/** The argument lists a signature accepts: the required values, any prefix of the optional ones, then options. */
export type ArgsOf<S> = S extends Signature<infer Req, infer Opt, infer Kw> ? Prefixes<Types<Req>, Types<Opt>, Named<Opt[number] | Kw[number]>> : never;

/** The record parseArgs returns: required values, and the others or undefined where not given. */
export type ValuesOf<S> = S extends Signature<infer Req, infer Opt, infer Kw>
  ? { [E in Req[number] as E[0]]: TypeOf<E[1]> } & { [E in Opt[number] | Kw[number] as E[0]]?: TypeOf<E[1]> }
  : never;

/** A plain `{ ... }` object: the only thing read as an options object. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A value as an error message shows it: `'2' (a string)`, `Tensor[3,4] float32`, `an object with keys a, b`. */
export function describeValue(v: unknown): string {
  if (v instanceof Tensor) return `a Tensor[${v.shape.join(',')}] ${v.dtype}`;
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return `an array [${v.slice(0, 6).map((x) => (typeof x === 'object' && x !== null ? describeValue(x) : String(x))).join(', ')}${v.length > 6 ? ', ...' : ''}]`;
  if (typeof v === 'string') return `'${v}' (a string)`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `${String(v)} (a ${typeof v})`;
  if (typeof v === 'function') return `a function ${v.name || '(anonymous)'}`;
  if (isPlainObject(v)) return `an object with keys ${Object.keys(v).join(', ') || '(none)'}`;
  return `a ${(v as object).constructor?.name ?? 'object'}`;
}

function names(params: ParamList): string[] {
  return params.map(([n]) => n);
}

/** The closest parameter name to a typo (edit distance <= 2), for "did you mean". */
function closest(key: string, candidates: readonly string[]): string | undefined {
  const dist = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let prev = row[0];
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const cur = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
        prev = cur;
      }
    }
    return row[b.length];
  };
  const snake = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  let best: string | undefined;
  let bestD = 3;
  for (const c of candidates) {
    const d = Math.min(dist(key, c), dist(snake, c));
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best;
}

function checkValue(sig: Signature, [name, chk]: Param, v: unknown): void {
  if (!chk.test(v)) throw new TypeError(`${sig.name}: expected ${name} to be ${chk.expected}, got ${describeValue(v)}`);
}

/**
 * Reads `args` against `sig`: positional values in order, then (last) an options object. A plain object is
 * read as the options object unless the parameter at its position accepts one (a state dict, say).
 * `undefined` means "not given", as JavaScript's own default parameters treat it.
 */
export function parseArgs<S extends Signature>(sig: S, args: ArrayLike<unknown>, name = sig.name): ValuesOf<S> {
  if (name !== sig.name) sig = { ...sig, name };
  const { positional } = layoutOf(sig);
  const out: Record<string, unknown> = {};
  let n = args.length;
  let opts: Record<string, unknown> | undefined;
  const last = args[n - 1];
  if (n > 0 && isPlainObject(last) && !(n <= positional.length && positional[n - 1][1].test(last))) {
    opts = last;
    n--;
  }
  if (n > positional.length && sig.rest) {
    const [restName, restCheck] = sig.rest;
    const extra = Array.prototype.slice.call(args, positional.length, n) as unknown[];
    extra.forEach((v) => checkValue(sig, [restName, restCheck], v));
    out[restName] = extra;
    n = positional.length;
  } else if (n > positional.length) {
    const list = names(positional).join(', ') || 'none';
    throw new TypeError(`${sig.name}: takes at most ${positional.length} positional argument${positional.length === 1 ? '' : 's'} (${list}) and an options object, got ${args.length} arguments`);
  }
  for (let i = 0; i < n; i++) {
    if (args[i] === undefined) continue;
    checkValue(sig, positional[i], args[i]);
    out[positional[i][0]] = args[i];
  }
  if (opts) readOptions(sig, opts, out, n);
  for (const [name] of sig.required) {
    if (out[name] === undefined) throw new TypeError(`${sig.name}: missing required argument ${name}`);
  }
  return out as ValuesOf<S>;
}

interface Layout {
  positional: ParamList;
  /** Every parameter by name, with its position (-1 for keyword-only ones). */
  byName: Map<string, [Param, number]>;
}

const layouts = new WeakMap<ParamList, Layout>();

/** The positional list and name index of a signature, built once (parseArgs runs on every op call). */
function layoutOf(sig: Signature): Layout {
  let layout = layouts.get(sig.required);
  if (layout && layouts.get(sig.optional) === layout && layouts.get(sig.keyword) === layout) return layout;
  const positional = [...sig.required, ...sig.optional];
  const byName = new Map<string, [Param, number]>();
  positional.forEach((p, i) => byName.set(p[0], [p, i]));
  for (const p of sig.keyword) byName.set(p[0], [p, -1]);
  // the varargs by name take their values as one array (torch.zeros(size=(2, 3)))
  if (sig.rest) byName.set(sig.rest[0], [[sig.rest[0], is.arrayOf(sig.rest[1])], -1]);
  layout = { positional, byName };
  // keyed by all three lists, since sameSignature shares them between classes
  layouts.set(sig.required, layout);
  layouts.set(sig.optional, layout);
  layouts.set(sig.keyword, layout);
  return layout;
}

function readOptions(sig: Signature, opts: Record<string, unknown>, out: Record<string, unknown>, given: number): void {
  const { byName } = layoutOf(sig);
  for (const key in opts) {
    if (!Object.hasOwn(opts, key)) continue;
    const v = opts[key];
    const entry = byName.get(key);
    if (!entry) {
      const named = [...sig.required, ...sig.optional, ...sig.keyword];
      const guess = closest(key, names(named));
      const known = names([...sig.optional, ...sig.keyword, ...(sig.rest ? [sig.rest] : [])]).join(', ') || 'none';
      throw new TypeError(`${sig.name}: unknown option '${key}'${guess ? ` (did you mean '${guess}'?)` : ''}; its options are ${known}`);
    }
    if (v === undefined) continue;
    const [param, pos] = entry;
    if (((pos >= 0 && pos < given) || pos === -1) && out[key] !== undefined) {
      const where = pos === -1 ? 'as positional arguments' : `as positional argument ${pos + 1}`;
      throw new TypeError(`${sig.name}: got ${key} twice, ${where} and in the options`);
    }
    checkValue(sig, param, v);
    out[key] = v;
  }
}

// The checks signatures are written with.
const isInt = (v: unknown): v is number => Number.isInteger(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);

export const is = {
  number: check<number>('a number', isNum),
  int: check<number>('an integer', isInt),
  bool: check<boolean>('a boolean (true or false)', (v) => typeof v === 'boolean'),
  string: check<string>('a string', (v) => typeof v === 'string'),
  tensor: check<Tensor>('a Tensor', (v) => v instanceof Tensor),
  function: check<(...a: never[]) => unknown>('a function', (v) => typeof v === 'function'),
  /** Anything: for values whose callee validates them itself (nested data, datasets). */
  any: check<unknown>('any value', () => true),
  intOrTuple: check<number | readonly number[]>('an integer or an array of integers', (v) => isInt(v) || (Array.isArray(v) && v.every(isInt))),
  ints: check<readonly number[]>('an array of integers', (v) => Array.isArray(v) && v.every(isInt)),
  numbers: check<readonly number[]>('an array of numbers', (v) => Array.isArray(v) && v.every(isNum)),
  numberOrTuple: check<number | readonly number[]>('a number or an array of numbers', (v) => isNum(v) || (Array.isArray(v) && v.every(isNum))),
  /** A dim or dims of a reduction. */
  dims: check<number | readonly number[]>('a dim (integer) or an array of dims', (v) => isInt(v) || (Array.isArray(v) && v.every(isInt))),
  /** Sizes of pooling windows, strides, paddings. */
  size: check<number | readonly number[]>('an integer or an array of integers', (v) => isInt(v) || (Array.isArray(v) && v.every(isInt))),
  /** A convolution's padding: sizes, or 'valid' or 'same'. */
  padding: check<number | readonly number[] | 'valid' | 'same'>(`an integer, an array of integers, 'valid' or 'same'`, (v) => v === 'valid' || v === 'same' || isInt(v) || (Array.isArray(v) && v.every(isInt))),
  /** An adaptive pooling's output size; null keeps the input's size in that dim. */
  adaptiveSize: check<number | readonly (number | null)[]>('an integer or an array of integers and nulls', (v) => isInt(v) || (Array.isArray(v) && v.every((x) => x === null || isInt(x)))),
  /** A loss's reduction. */
  reduction: check<'none' | 'mean' | 'sum'>(`'none', 'mean' or 'sum'`, (v) => v === 'none' || v === 'mean' || v === 'sum'),
  /** PyTorch's deprecated size_average/reduce: kept in place so positions line up; only null is accepted. */
  deprecated: check<null>('null (deprecated in PyTorch; use reduction)', (v) => v === null),
  generator: check<Generator>('a Generator', (v) => v instanceof Generator),
  oneOf<const T extends string | number | boolean>(...values: readonly T[]): Check<T> {
    return check<T>(`one of ${values.map((x) => (typeof x === 'string' ? `'${x}'` : String(x))).join(', ')}`, (v) => values.includes(v as T));
  },
  nullable<T>(c: Check<T>): Check<T | null> {
    return check<T | null>(`${c.expected} or null`, (v) => v === null || c.test(v));
  },
  or<A, B>(a: Check<A>, b: Check<B>): Check<A | B> {
    return check<A | B>(`${a.expected} or ${b.expected}`, (v) => a.test(v) || b.test(v));
  },
  instance<T>(cls: abstract new (...a: never[]) => T, expected = `a ${cls.name}`): Check<T> {
    return check<T>(expected, (v) => v instanceof cls);
  },
  arrayOf<T>(c: Check<T>): Check<readonly T[]> {
    return check<readonly T[]>(`an array of ${c.expected.replace(/^an? /, '')}s`, (v) => Array.isArray(v) && v.every((x) => c.test(x)));
  },
};

/** Marks a public function or class with its signature, so tests can find what each export accepts. */
export const SIGNATURE = Symbol.for('convkit.signature');

export function withSignature<F extends object>(target: F, sig: Signature): F {
  Object.defineProperty(target, SIGNATURE, { value: sig, enumerable: false, configurable: true });
  return target;
}

/** The signature a function or class was marked with (a subclass finds its own first). */
export function signatureOf(target: object): Signature | undefined {
  return (target as { [SIGNATURE]?: Signature })[SIGNATURE];
}

/**
 * A public function from its signature and an implementation over named values:
 * `export const dropout = define(DROPOUT, ({ input, p = 0.5 }) => ...)` accepts `dropout(x, 0.2)` and
 * `dropout(x, { p: 0.2 })` alike.
 */
export function define<S extends Signature, R>(sig: S, impl: (v: ValuesOf<S>) => R): (...args: ArgsOf<S>) => R {
  const fn = (...args: ArgsOf<S>): R => impl(parseArgs(sig, args));
  Object.defineProperty(fn, 'name', { value: sig.name.replace(/^.*\./, '') });
  return withSignature(fn, sig);
}

/**
 * For a class hierarchy that shares one constructor (Dropout1d/2d/3d): the signature registered on the
 * concrete class (`new.target`), so errors and parameters are that class's; `base` where it has none.
 */
export function ownSignature<S extends Signature>(cls: object, base: S): S {
  return (Object.hasOwn(cls, SIGNATURE) ? signatureOf(cls) : base) as S;
}

/** Registers `sig`'s parameter lists under another class's names (Conv1d/2d/3d share theirs). */
export function sameSignature<S extends Signature>(cls: object, sig: S, name: string, torch: string | null): S {
  const own = signature(name, torch, sig.required, sig.optional, sig.keyword) as unknown as S;
  withSignature(cls, own);
  return own;
}

/** A PyTorch parameter name as convkit spells it: camelCase, first letter lower (`padding_mode` → `paddingMode`, `T_max` → `tMax`). */
export function camelCase(name: string): string {
  const c = name.replace(/_([a-zA-Z0-9])/g, (_, ch: string) => ch.toUpperCase());
  return c[0].toLowerCase() + c.slice(1);
}

/**
 * PyTorch's `*size` varargs as one list: `zeros(2, 3)`, `zeros([2, 3])` and `zeros({ size: [2, 3] })` alike
 * (`rest` is what parseArgs collected, each an integer or an array of integers).
 */
export function sizesOf(name: string, what: string, rest: readonly (number | readonly number[])[] | undefined): number[] {
  const list = rest ?? [];
  if (list.length === 1 && Array.isArray(list[0])) return [...(list[0] as readonly number[])];
  if (list.some((v) => Array.isArray(v))) {
    throw new TypeError(`${name}: expected ${what} as integers (2, 3) or one array ([2, 3]), got ${describeValue(list)}`);
  }
  return list as number[];
}

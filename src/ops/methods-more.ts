/**
 * Tensor methods for ordering, masking, indexing with tensors and rearranging (`x.topk(3)`, `x.maskedFill(m, 0)`,
 * `x.index(mask)`, `x.T`), attached like those of methods.ts, from their own ops files.
 */
import type { DType } from '../core/dtype.js';
import { registerGradHook, type GradHook } from '../core/grad-hooks.js';
import type { RemovableHandle } from '../core/handle.js';
import { Tensor, type NestedArray } from '../core/tensor.js';
import * as K from './masked.js';
import * as N from './norm.js';
import * as R from './rearrange.js';
import * as S from './sorting.js';
import type { ValuesIndices } from './reduce.js';
import { to } from './views.js';

type Tail<T> = T extends readonly [unknown, ...infer Rest] ? Rest : never;
type ArgsAfterInput<F extends (...args: never[]) => unknown> = Tail<Parameters<F>>;

declare module '../core/tensor.js' {
  interface Tensor {
    sort(...args: ArgsAfterInput<typeof S.sort>): ValuesIndices;
    argsort(...args: ArgsAfterInput<typeof S.argsort>): Tensor;
    topk(...args: ArgsAfterInput<typeof S.topk>): ValuesIndices;
    unique(...args: ArgsAfterInput<typeof S.unique>): S.UniqueResult;
    maskedFill(...args: ArgsAfterInput<typeof K.maskedFill>): Tensor;
    maskedFill_(...args: ArgsAfterInput<typeof K.maskedFill_>): Tensor;
    maskedSelect(mask: Tensor): Tensor;
    scatter(...args: ArgsAfterInput<typeof K.scatter>): Tensor;
    scatter_(...args: ArgsAfterInput<typeof K.scatter_>): Tensor;
    nonzero(...args: ArgsAfterInput<typeof K.nonzero>): Tensor | Tensor[];
    indexPut(...args: ArgsAfterInput<typeof K.indexPut>): Tensor;
    indexPut_(...args: ArgsAfterInput<typeof K.indexPut_>): Tensor;
    repeat(...repeats: (number | readonly number[])[]): Tensor;
    flip(...dims: (number | readonly number[])[]): Tensor;
    roll(...args: ArgsAfterInput<typeof R.roll>): Tensor;
    cumsum(...args: ArgsAfterInput<typeof R.cumsum>): Tensor;
    mm(mat2: Tensor): Tensor;
    bmm(mat2: Tensor): Tensor;
    norm(...args: ArgsAfterInput<typeof N.norm>): Tensor;
    /** The dims reversed: the transpose of a matrix, as torch's `x.T`. */
    readonly T: Tensor;
    /** The last two dims swapped, as torch's `x.mT`. */
    readonly mT: Tensor;
    /** Nested JS arrays of the elements, as torch's `tolist()` (a number for a 0-d tensor). */
    tolist(): NestedArray;
    /**
     * `hook(grad)` runs each time backward computes this tensor's gradient; returning a tensor replaces it.
     * Returns a handle whose `remove()` unregisters the hook, as torch's `register_hook`.
     */
    registerHook(hook: GradHook): RemovableHandle;
    /** int32, convkit's integer index type (PyTorch's int64); `to('int32')` alike. */
    long(): Tensor;
  }
}

type AnyFn = (...args: unknown[]) => unknown;
const call = (fn: unknown) => function (this: Tensor, ...args: unknown[]): unknown {
  return (fn as AnyFn)(this, ...args);
};

const methods: Record<string, (this: Tensor, ...args: unknown[]) => unknown> = {
  sort: call(S.sort),
  argsort: call(S.argsort),
  topk: call(S.topk),
  unique: call(S.unique),
  maskedFill: call(K.maskedFill),
  maskedFill_: call(K.maskedFill_),
  maskedSelect: call(K.maskedSelect),
  scatter: call(K.scatter),
  scatter_: call(K.scatter_),
  nonzero: call(K.nonzero),
  indexPut: call(K.indexPut),
  indexPut_: call(K.indexPut_),
  repeat: call(R.repeat),
  flip: call(R.flip),
  roll: call(R.roll),
  cumsum: call(R.cumsum),
  mm: call(R.mm),
  bmm: call(R.bmm),
  norm: call(N.norm),
  tolist(this: Tensor) { return this.toArray(); },
  registerHook(this: Tensor, hook: unknown) { return registerGradHook(this, hook as GradHook); },
  long(this: Tensor) { return to(this, 'int32' satisfies DType); },
};

for (const [name, fn] of Object.entries(methods)) {
  Object.defineProperty(Tensor.prototype, name, { value: fn, writable: true, configurable: true });
}
Object.defineProperty(Tensor.prototype, 'T', { get(this: Tensor) { return R.reversedDims(this); }, configurable: true });
Object.defineProperty(Tensor.prototype, 'mT', { get(this: Tensor) { return R.matrixTranspose(this); }, configurable: true });

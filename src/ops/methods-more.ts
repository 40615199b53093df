/**
 * Tensor methods for ordering, masking, indexing with tensors and rearranging (`x.topk(3)`, `x.maskedFill(m, 0)`,
 * `x.index(mask)`, `x.T`), declared once like those of methods.ts: a table of ops per module, whose types the
 * `Tensor` interface takes from the ops themselves by the tables' keys, and a table of the few methods that are
 * not plain ops.
 */
import type { DType } from '../core/dtype.js';
import { registerGradHook, type GradHook } from '../core/grad-hooks.js';
import type { RemovableHandle } from '../core/handle.js';
import { Tensor, type NestedArray } from '../core/tensor.js';
import * as K from './masked.js';
import { attachMethods, methodsOf, type MethodsOf } from './methods-table.js';
import * as N from './norm.js';
import * as R from './rearrange.js';
import * as S from './sorting.js';
import { to } from './views.js';

const SORTING = {
  sort: S.sort, argsort: S.argsort, topk: S.topk, unique: S.unique,
};
const MASKED = {
  maskedFill: K.maskedFill, maskedFill_: K.maskedFill_, maskedSelect: K.maskedSelect, scatter: K.scatter,
  scatter_: K.scatter_, nonzero: K.nonzero, indexPut: K.indexPut, indexPut_: K.indexPut_,
};
const REARRANGE = {
  repeat: R.repeat, flip: R.flip, roll: R.roll, cumsum: R.cumsum, mm: R.mm, bmm: R.bmm,
};
const NORM = {
  norm: N.norm,
};

const otherMethods = {
  /** The dims reversed: the transpose of a matrix, as torch's `x.T`. */
  get T(): Tensor { return R.reversedDims(this as unknown as Tensor); },
  /** The last two dims swapped, as torch's `x.mT`. */
  get mT(): Tensor { return R.matrixTranspose(this as unknown as Tensor); },
  /** Nested JS arrays of the elements, as torch's `tolist()` (a number for a 0-d tensor). */
  tolist(this: Tensor): NestedArray { return this.toArray(); },
  /**
   * `hook(grad)` runs each time backward computes this tensor's gradient; returning a tensor replaces it.
   * Returns a handle whose `remove()` unregisters the hook, as torch's `register_hook`.
   */
  registerHook(this: Tensor, hook: GradHook): RemovableHandle { return registerGradHook(this, hook); },
  /** int32, convkit's integer index type (PyTorch's int64); `to('int32')` alike. */
  long(this: Tensor): Tensor { return to(this, 'int32' satisfies DType); },
};

attachMethods(methodsOf(SORTING));
attachMethods(methodsOf(MASKED));
attachMethods(methodsOf(REARRANGE));
attachMethods(methodsOf(NORM));
attachMethods(otherMethods);

type MoreOpMethods = MethodsOf<Pick<typeof S, keyof typeof SORTING>> & MethodsOf<Pick<typeof K, keyof typeof MASKED>>
  & MethodsOf<Pick<typeof R, keyof typeof REARRANGE>> & MethodsOf<Pick<typeof N, keyof typeof NORM>>;
type MoreOtherMethods = typeof otherMethods;
declare module '../core/tensor.js' {
  // the tables above are the only declaration of these methods: the interface takes their signatures from them
  // eslint-disable-next-line @typescript-eslint/no-empty-interface
  interface Tensor extends MoreOpMethods, MoreOtherMethods {}
}

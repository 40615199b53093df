/**
 * The optimisers' fast path: one kernel per parameter per step where the parameter's backend has one
 * (`optimizerStep`), instead of the dozen elementwise ops of the update equations. Not part of the public API;
 * the optimisers fall back to their op sequence (the default) when this returns false.
 */
import type { OptimizerUpdate } from '../backends/backend.js';
import { fmt, shapesEqual } from '../core/shape.js';
import type { Tensor } from '../core/tensor.js';
import { kernels } from './dispatch.js';
import { checkInplace } from './inplace-check.js';

const STATE_COUNT: Record<OptimizerUpdate['kind'], (u: OptimizerUpdate) => number> = {
  sgd: (u) => (u.kind === 'sgd' && u.momentum !== 0 ? 1 : 0),
  adam: (u) => (u.kind === 'adam' && u.amsgrad ? 3 : 2),
  rmsprop: (u) => (u.kind === 'rmsprop' ? 1 + (u.momentum > 0 ? 1 : 0) + (u.centered ? 1 : 0) : 0),
  adagrad: () => 1,
};

/** Whether the parameter's backend has a fused update (so state buffers are worth allocating for it). */
export function hasFusedOptimizerStep(param: Tensor): boolean {
  return kernels('optimizerStep', param).optimizerStep !== undefined;
}

/** Runs the backend's fused update of `param` (and its state, in place); false when the backend has none. */
export function fusedOptimizerStep(update: OptimizerUpdate, param: Tensor, grad: Tensor, state: readonly Tensor[]): boolean {
  const op = `optimizerStep (${update.kind})`;
  const k = kernels(op, param, grad, ...state);
  if (!k.optimizerStep) return false;
  checkInplace(param, op);
  const expected = STATE_COUNT[update.kind](update);
  if (state.length !== expected) throw new RangeError(`${op}: expected ${expected} state tensors, got ${state.length}`);
  for (const [what, t] of [['grad', grad], ...state.map((s, i) => [`state ${i}`, s] as const)] as const) {
    if (!shapesEqual(t.shape, param.shape)) throw new RangeError(`${op}: expected ${what} of the parameter's shape ${fmt(param.shape)}, got ${fmt(t.shape)}`);
    if (t.dtype !== param.dtype) throw new TypeError(`${op}: expected ${what} of the parameter's dtype ${param.dtype}, got ${t.dtype}`);
  }
  // a kernel writes param and state in place: storages shared between them would race, so those take the ops
  const storages = new Set([param.storage, grad.storage, ...state.map((s) => s.storage)]);
  if (storages.size !== 2 + state.length) return false;
  k.optimizerStep(update, param, grad, state);
  return true;
}

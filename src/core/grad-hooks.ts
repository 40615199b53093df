/**
 * Tensor gradient hooks (torch's `tensor.register_hook`): functions that see, and may replace, the gradient
 * computed for a tensor during backward. A non-leaf tensor's hooks live on the node that produced it; a
 * leaf's on the tensor itself. The engine calls `applyGradHooks` once per tensor and sweep, before the
 * gradient flows on (or lands in `.grad`).
 */
import { RemovableHandle } from './handle.js';
import type { Tensor } from './tensor.js';
import { fmt, shapesEqual } from './shape.js';

/** Returns undefined to keep the gradient, or the tensor that replaces it. */
export type GradHook = (grad: Tensor) => Tensor | undefined | void;

const tables = new WeakMap<object, Map<number, GradHook>>();

export function registerGradHook(t: Tensor, hook: GradHook): RemovableHandle {
  if (typeof hook !== 'function') throw new TypeError(`registerHook: expected a function (grad) => Tensor | undefined, got ${hook === null ? 'null' : typeof hook}`);
  if (!t.requiresGrad) throw new Error("registerHook: cannot register a hook on a tensor that doesn't require gradient");
  const key: object = t.gradFn ?? t;
  let table = tables.get(key);
  if (!table) tables.set(key, (table = new Map()));
  const handle = new RemovableHandle(table as Map<number, unknown>);
  table.set(handle.id, hook);
  return handle;
}

/** The gradient after every hook registered on `key` (a node or a leaf), in registration order. */
export function applyGradHooks(key: object, grad: Tensor): Tensor {
  const table = tables.get(key);
  if (!table || table.size === 0) return grad;
  let g = grad;
  for (const hook of [...table.values()]) {
    const replaced = hook(g);
    if (replaced === undefined) continue;
    if (typeof replaced !== 'object' || replaced === null || !('shape' in replaced) || !shapesEqual(replaced.shape, g.shape)) {
      throw new TypeError(`registerHook: a hook must return undefined or a tensor of the gradient's shape ${fmt(g.shape)}, got ${replaced === null ? 'null' : typeof replaced === 'object' && 'shape' in replaced ? fmt((replaced as Tensor).shape) : typeof replaced}`);
    }
    g = replaced;
  }
  return g;
}

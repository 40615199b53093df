/**
 * Full backward hooks, as torch's `register_full_backward_hook`: `hook(module, gradInput, gradOutput)` runs when
 * the gradients with respect to the module's tensor inputs are computed, and may return replacements for them.
 * As in PyTorch, the module's inputs and outputs pass through identity nodes: the outputs' node records the
 * gradient of the outputs, the inputs' node fires the hooks. Several tensors join in one node (packed into one
 * flat tensor, handed on as views of it), so the hook runs once with all of them.
 */
import { isGradEnabled, noGrad, record } from '../core/autograd.js';
import { fmt, shapesEqual } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { cat, detach, narrow, reshape } from '../ops/index.js';
import type { Module } from './module.js';

type Grads = (Tensor | null)[];

/** Returns undefined to keep gradInput, or an array (one entry per tensor input) that replaces it. */
export type FullBackwardHook<M extends Module = Module> = (module: M, gradInput: Grads, gradOutput: Grads) => Grads | undefined | void;

/** `tensors` re-emitted behind one node: `onGrad` gets their gradients together and returns those to pass on. */
function join(tensors: Tensor[], onGrad: (grads: Tensor[]) => Grads): Tensor[] {
  if (tensors.length === 1) return [record('BackwardHookFunctionBackward', detach(tensors[0]), tensors, (g) => onGrad([g]))];
  const dtype = tensors[0].dtype;
  if (tensors.some((t) => t.dtype !== dtype)) throw new TypeError(`registerFullBackwardHook: tensors of one module call must share a dtype, got ${tensors.map((t) => t.dtype).join(', ')}`);
  const sizes = tensors.map((t) => t.numel());
  const starts = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
  const packed = noGrad(() => cat(tensors.map((t) => reshape(t, [t.numel()]))));
  const node = record('BackwardHookFunctionBackward', packed, tensors, (g) => onGrad(tensors.map((t, i) => reshape(narrow(g, 0, starts[i], sizes[i]), t.shape))));
  return tensors.map((t, i) => reshape(narrow(node, 0, starts[i], sizes[i]), t.shape));
}

/** Runs `forward` (the module's hooked forward) with its tensor inputs and outputs joined to fire `hooks`. */
export function runWithBackwardHooks(module: Module, hooks: ReadonlyMap<number, FullBackwardHook>, inputs: unknown[], forward: (inputs: unknown[]) => unknown): unknown {
  if (!isGradEnabled()) return forward(inputs);
  const tensorArgs = inputs.map((v, i) => (v instanceof Tensor ? i : -1)).filter((i) => i >= 0);
  const withGrad = tensorArgs.filter((i) => (inputs[i] as Tensor).requiresGrad);
  let gradOutput: Grads = [];
  const fire = (grads: Map<number, Tensor>): Map<number, Tensor> => {
    let gradInput: Grads = tensorArgs.map((i) => grads.get(i) ?? null);
    for (const hook of [...hooks.values()]) {
      const replaced = hook(module, gradInput, gradOutput);
      if (replaced !== undefined) gradInput = checkReplacement(module, replaced, gradInput);
    }
    return new Map(tensorArgs.map((i, k) => [i, gradInput[k]]).filter((e): e is [number, Tensor] => e[1] !== null));
  };
  const joined = withGrad.length === 0 ? [] : join(withGrad.map((i) => inputs[i] as Tensor), (gs) => {
    const out = fire(new Map(withGrad.map((i, k) => [i, gs[k]])));
    return withGrad.map((i) => out.get(i) ?? null);
  });
  const args = inputs.slice();
  withGrad.forEach((i, k) => (args[i] = joined[k]));
  const output = forward(args);
  const outs = Array.isArray(output) ? output : [output];
  const outGrad = outs.map((o, i) => (o instanceof Tensor && o.requiresGrad ? i : -1)).filter((i) => i >= 0);
  if (outGrad.length === 0) return output;
  const rejoined = join(outGrad.map((i) => outs[i] as Tensor), (gs) => {
    gradOutput = outs.map((_, i) => (outGrad.includes(i) ? gs[outGrad.indexOf(i)] : null)).filter((_, i) => outs[i] instanceof Tensor);
    // no input takes a gradient: the hooks fire here, with null for every input (as PyTorch's)
    if (withGrad.length === 0) fire(new Map());
    return gs;
  });
  if (!Array.isArray(output)) return rejoined[0];
  const copy = output.slice();
  outGrad.forEach((i, k) => (copy[i] = rejoined[k]));
  return copy;
}

function checkReplacement(module: Module, replaced: unknown, previous: Grads): Grads {
  const name = module.constructor.name;
  if (!Array.isArray(replaced) || replaced.length !== previous.length) {
    throw new TypeError(`registerFullBackwardHook: a hook of ${name} must return undefined or an array of ${previous.length} gradient(s) (one per tensor input), got ${Array.isArray(replaced) ? `${replaced.length} entries` : typeof replaced}`);
  }
  return replaced.map((g, i) => {
    const before = previous[i];
    if (g === null || g === undefined) return null;
    if (!(g instanceof Tensor) || (before && !shapesEqual(g.shape, before.shape))) {
      throw new TypeError(`registerFullBackwardHook: gradient ${i} returned by a hook of ${name} must be a tensor of shape ${before ? fmt(before.shape) : '(the input\'s)'} or null`);
    }
    return g;
  });
}

/**
 * Forward hooks, as torch.nn.Module's: a pre-hook sees (module, inputs) before forward and may replace the
 * inputs; a hook sees (module, inputs, output) after it and may replace the output. `Module.call` runs them,
 * and every module that runs a child does so through `call`, so a hook on any sub-module fires.
 */
import { RemovableHandle } from '../core/handle.js';
import type { Module } from './module.js';

/** Returns undefined to keep the inputs, an array to replace the argument list, or any other value as the single argument. */
export type ForwardPreHook<M extends Module = Module> = (module: M, inputs: unknown[]) => unknown;
/** Returns undefined to keep the output, or the value that replaces it. */
export type ForwardHook<M extends Module = Module> = (module: M, inputs: unknown[], output: unknown) => unknown;

// one handle class for module hooks and tensor hooks (core/grad-hooks.ts)
export { RemovableHandle };

export function addHook<H>(table: Map<number, H>, hook: H, op: string): RemovableHandle {
  if (typeof hook !== 'function') throw new TypeError(`${op}: expected a function (module, inputs${op.includes('Pre') ? '' : ', output'}) => ..., got ${hook === null ? 'null' : typeof hook}`);
  const handle = new RemovableHandle(table as Map<number, unknown>);
  table.set(handle.id, hook);
  return handle;
}

/** Runs `forward` between the module's pre-hooks and hooks, in registration order. */
export function runHooked(
  module: Module,
  preHooks: ReadonlyMap<number, ForwardPreHook>,
  hooks: ReadonlyMap<number, ForwardHook>,
  inputs: unknown[],
): unknown {
  inputs = runPreHooks(module, preHooks, inputs);
  let output = module.forward(...inputs);
  for (const hook of [...hooks.values()]) {
    const replaced = hook(module, inputs, output);
    if (replaced !== undefined) output = replaced;
  }
  return output;
}

/** The inputs after the pre-hooks, each of which may replace them. */
export function runPreHooks(module: Module, preHooks: ReadonlyMap<number, ForwardPreHook>, inputs: unknown[]): unknown[] {
  for (const hook of [...preHooks.values()]) {
    const replaced = hook(module, inputs);
    if (replaced !== undefined) inputs = Array.isArray(replaced) ? replaced : [replaced];
  }
  return inputs;
}

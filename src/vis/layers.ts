/** Finding a model's sub-module by its state-dict path and catching what it outputs, through forward hooks. */
import { noGrad } from '../core/autograd.js';
import { Tensor } from '../core/tensor.js';
import type { Module } from '../nn/module.js';
import { checkImage, checkModule, show } from './check.js';

/** The sub-module at a state-dict path ('layer1', 'layer2.0.conv1', 'features.3'). */
export function findModule(op: string, model: Module, name: unknown): Module {
  if (typeof name !== 'string') throw new TypeError(`${op}: expected a layer name (a state-dict path such as 'layer1' or 'features.3'), got ${show(name)}`);
  const all = model.namedModules();
  const hit = all.find(([n]) => n === name);
  if (!hit) {
    const names = all.map(([n]) => n).filter((n) => n !== '');
    const near = names.filter((n) => n.startsWith(name.split('.')[0])).slice(0, 12);
    throw new RangeError(`${op}: the model has no module '${name}'; ${near.length ? `similar: ${near.join(', ')}` : `top-level: ${names.filter((n) => !n.includes('.')).join(', ')}`}`);
  }
  return hit[1];
}

/** Runs `fn` with a forward hook on each named module that stores its (tensor) output; the hooks are removed after. */
export function withCapture<T>(op: string, model: Module, names: readonly string[], fn: () => T): [T, Map<string, Tensor>] {
  const caught = new Map<string, Tensor>();
  const handles = names.map((name) =>
    findModule(op, model, name).registerForwardHook((_m, _in, out) => {
      if (!(out instanceof Tensor)) throw new TypeError(`${op}: module '${name}' returned ${show(out)}, not a Tensor`);
      caught.set(name, out);
    }),
  );
  try {
    const result = fn();
    for (const name of names) if (!caught.has(name)) throw new Error(`${op}: module '${name}' did not run in the model's forward pass`);
    return [result, caught];
  } finally {
    handles.forEach((h) => h.remove());
  }
}

/** `ck.vis.featureMaps(model, x, names)`: the named modules' outputs for input x, without recording gradients. */
export function featureMaps(model: Module, x: Tensor, layerNames: readonly string[] | string): Record<string, Tensor> {
  checkModule('vis.featureMaps', model);
  checkImage('vis.featureMaps', 'x', x, [2, 3, 4, 5]);
  const names = typeof layerNames === 'string' ? [layerNames] : layerNames;
  if (!Array.isArray(names) || names.length === 0) throw new TypeError(`vis.featureMaps: expected a layer name or a non-empty array of them, got ${show(layerNames)}`);
  const [, caught] = noGrad(() => withCapture('vis.featureMaps', model, names, () => model.call(x)));
  return Object.fromEntries(names.map((n) => [n, caught.get(n)!]));
}

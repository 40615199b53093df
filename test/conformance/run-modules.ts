/** Running the module cases on a device: nn layers ('nn.<Module>'), optimiser steps ('optim.<Optimizer>') and training trajectories ('train.sequential'). */
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { hostDevice } from '../helpers/index.js';
import { checkGradients, checkOutputs, seedBackward } from './check.js';
import { onDevice, type ConformanceCase } from './format.js';

type Ctor<T> = new (...args: unknown[]) => T;
interface LayerSpec {
  module: string;
  args: unknown[];
  options: Record<string, unknown>;
}

/** `new nn.<module>(...args, options)`, built on the host (as PyTorch's init does) and moved to `device`. */
function buildModule({ module, args, options }: LayerSpec, device: string): ck.nn.Module {
  const M = (ck.nn as unknown as Record<string, Ctor<ck.nn.Module> | undefined>)[module];
  assert.ok(typeof M === 'function', `no nn.${module}`);
  const withOptions = Object.keys(options).length ? [...args, options] : args;
  return ck.withBackend(hostDevice(), () => new M(...withOptions)).to(device);
}

/** The fixture's state dict, `names[i]` = inputs[from + i], loaded onto the module on `device`. */
function loadState(m: ck.nn.Module, c: ConformanceCase, names: string[], from: number, device: string): void {
  m.loadStateDict(Object.fromEntries(names.map((k, i) => [k, onDevice(c.inputs[from + i], device)!])));
}

export async function runLayerCase(c: ConformanceCase, device: string): Promise<void> {
  const a = c.attributes as { args: unknown[]; options: Record<string, unknown>; train: boolean; calls: number; state: string[] };
  const m = buildModule({ module: c.op.slice('nn.'.length), args: a.args, options: a.options }, device);
  loadState(m, c, a.state, a.calls, device);
  m.train(a.train);
  const xs = c.inputs.slice(0, a.calls).map((s, i) => onDevice(s, device, !!c.gradients?.[i])!);
  const ys = xs.map((x) => m.call(x) as ck.Tensor);
  const state = m.stateDict();
  await checkOutputs(c, [...ys, ...a.state.map((k) => state[k])]);
  seedBackward(c, ys, device);
  const params = new Map(m.namedParameters());
  await checkGradients(c, (i) => (i < a.calls ? xs[i].grad : params.get(a.state[i - a.calls])?.grad));
}

export async function runOptimizerCase(c: ConformanceCase, device: string): Promise<void> {
  const a = c.attributes as { options: Record<string, unknown>; params: number; steps: number };
  const Opt = (ck.optim as unknown as Record<string, Ctor<ck.optim.Optimizer> | undefined>)[c.op.slice('optim.'.length)];
  assert.ok(typeof Opt === 'function', `no ${c.op}`);
  const params = c.inputs.slice(0, a.params).map((s) => onDevice(s, device, true)!);
  const opt = new Opt(params, a.options);
  const after: ck.Tensor[] = [];
  for (let step = 0; step < a.steps; step++) {
    params.forEach((p, j) => { p.grad = onDevice(c.inputs[a.params * (step + 1) + j], device); });
    opt.step();
    after.push(...params.map((p) => p.detach().clone()));
  }
  await checkOutputs(c, after);
}

export async function runTrainingCase(c: ConformanceCase, device: string): Promise<void> {
  const a = c.attributes as { layers: LayerSpec[]; optimizer: string; options: Record<string, unknown>; steps: number; state: string[] };
  const model = new ck.nn.Sequential(...a.layers.map((l) => buildModule(l, device)));
  loadState(model, c, a.state, 2, device);
  model.train();
  const Opt = (ck.optim as unknown as Record<string, Ctor<ck.optim.Optimizer> | undefined>)[a.optimizer];
  assert.ok(typeof Opt === 'function', `no optim.${a.optimizer}`);
  const opt = new Opt(model.parameters(), a.options);
  const [x, y] = [onDevice(c.inputs[0], device)!, onDevice(c.inputs[1], device)!];
  const losses: number[] = [];
  for (let step = 0; step < a.steps; step++) {
    opt.zeroGrad();
    const loss = ck.nn.functional.crossEntropy(model.call(x) as ck.Tensor, y);
    loss.backward();
    opt.step();
    losses.push((await loss.data())[0]);
  }
  const state = model.stateDict();
  await checkOutputs(c, [ck.tensor(losses, { device }), ...a.state.map((k) => state[k])]);
}

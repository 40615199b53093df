/** Running the op cases on a device: core ops (op-table.ts) and nn.functional ('F.<fn>', losses included). */
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { checkGradients, checkOutputs, seedBackward } from './check.js';
import { onDevice, referencedInputs, resolve, type ConformanceCase } from './format.js';
import { OPS } from './op-table.js';

/** A leaf on `device`; for layout 't' the op sees a transposed (non-contiguous) view of it. */
function leafAndInput(c: ConformanceCase, i: number, device: string): { leaf: ck.Tensor; input: ck.Tensor } {
  const wantsGrad = !!c.gradients?.[i];
  const t = onDevice(c.inputs[i], device)!;
  if (c.layouts?.[i] !== 't') {
    const leaf = wantsGrad ? t.requiresGrad_(true) : t;
    return { leaf, input: leaf };
  }
  const leaf = t.transpose(-2, -1).contiguous().detach().requiresGrad_(wantsGrad);
  return { leaf, input: leaf.transpose(-2, -1) };
}

export async function runCoreCase(c: ConformanceCase, device: string): Promise<void> {
  const fn = OPS[c.op];
  assert.ok(fn, `no entry for op '${c.op}' in test/conformance/op-table.ts`);
  const made = c.inputs.map((_, i) => leafAndInput(c, i, device));
  // creation ops (no inputs) make their tensor on the current device; every other op follows its inputs
  const out = made.length === 0 ? ck.withBackend(device, () => fn([], c.attributes)) : fn(made.map((m) => m.input), c.attributes);
  assert.equal(out.device, device, `${c.name}: runs on its inputs' device`);
  await checkOutputs(c, [out]);
  if (!c.gradOutputs) return;
  seedBackward(c, [out], device);
  await checkGradients(c, (i) => (c.layouts?.[i] === 't' ? made[i].leaf.grad?.transpose(-2, -1) : made[i].leaf.grad));
}

/** F.<fn>(...tensor inputs not named in the attributes, ...args, options), as PyTorch was called. */
export async function runFunctionalCase(c: ConformanceCase, device: string): Promise<void> {
  const name = c.op.slice('F.'.length) as keyof typeof ck.nn.functional;
  const fn = ck.nn.functional[name] as ((...args: unknown[]) => ck.Tensor | [ck.Tensor, ck.Tensor]) | undefined;
  assert.ok(typeof fn === 'function', `${c.name}: no nn.functional.${name}`);
  const inputs = c.inputs.map((s, i) => onDevice(s, device, !!c.gradients?.[i]));
  const { args = [], options = {} } = c.attributes as { args?: unknown[]; options?: Record<string, unknown> };
  const named = referencedInputs(c.attributes);
  const positional = inputs.filter((_, i) => !named.has(i));
  const result = fn(...positional, ...(resolve(args, inputs) as unknown[]), resolve(options, inputs));
  const outs = Array.isArray(result) ? result : [result];
  for (const out of outs) assert.equal(out.device, device, `${c.name}: runs on its inputs' device`);
  await checkOutputs(c, outs);
  if (!c.gradOutputs) return;
  seedBackward(c, outs, device);
  await checkGradients(c, (i) => inputs[i]?.grad);
}

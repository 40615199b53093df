import type { Tensor } from './tensor.js';
import { keep } from './memory.js';
import { applyGradHooks } from './grad-hooks.js';
import { fmt, shapesEqual } from './shape.js';

/** Returns the gradient of each input (null where the input gets none), given the output's gradient. */
export type BackwardFn = (grad: Tensor) => readonly (Tensor | null | undefined)[];

/** One recorded operation: its inputs and the closure computing their gradients. */
export class Node {
  /** Set by `retainGrad()` on the node's output, so backward stores its gradient there too. */
  retained: Tensor | null = null;
  released = false;
  constructor(
    readonly name: string,
    public inputs: readonly Tensor[],
    public backwardFn: BackwardFn | null,
  ) {}
}

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = enabled;
  try {
    const out = fn();
    // a plain function returning a promise (() => loader.next()) is as async as an async one
    if (typeof (out as { then?: unknown } | null)?.then === 'function') {
      throw new TypeError('noGrad/enableGrad: the callback returned a Promise; the grad mode cannot stay switched across await in JavaScript. Wrap only synchronous code');
    }
    return out;
  } finally {
    gradEnabled = prev;
  }
}

/**
 * Runs `fn` without recording operations (inference, optimiser updates) and returns its result. An async
 * callback is refused: JavaScript has no way to keep the mode off across its awaits, and code after the first
 * await would record again without a word.
 */
export function noGrad<T>(fn: () => T): T {
  checkSynchronous(fn, 'noGrad');
  return withGradMode(false, fn);
}

function checkSynchronous(fn: unknown, op: string): void {
  if (typeof fn !== 'function') throw new TypeError(`${op}: expected a function, got ${fn === null ? 'null' : typeof fn}`);
  if (fn.constructor?.name === 'AsyncFunction' || fn.constructor?.name === 'AsyncGeneratorFunction') {
    throw new TypeError(
      `${op}: got an async function; the grad mode cannot stay switched across await in JavaScript. ` +
        `Wrap the synchronous parts instead: \`const out = ck.${op}(() => model.forward(x));\` and await outside it`,
    );
  }
}

/** Runs `fn` with recording on, even inside `noGrad`. */
export function enableGrad<T>(fn: () => T): T {
  checkSynchronous(fn, 'enableGrad');
  return withGradMode(true, fn);
}

/**
 * Attaches the gradient of `out` to the graph when recording is on and some input requires a gradient.
 * This is the one place where autograd records anything; ops call it right after computing `out`.
 */
export function record(name: string, out: Tensor, inputs: readonly Tensor[], backward: BackwardFn): Tensor {
  if (gradEnabled && inputs.some((t) => t.requiresGrad)) out.attachGradFn(new Node(name, inputs, backward));
  return out;
}

/** The few ops the engine needs, supplied by the ops layer (which sits above core). */
export interface EngineOps {
  add(a: Tensor, b: Tensor): Tensor;
  detachClone(t: Tensor): Tensor;
}
let engineOps: EngineOps | null = null;
export function configureEngine(ops: EngineOps): void {
  engineOps = ops;
}
function ops(): EngineOps {
  if (!engineOps) throw new Error('autograd: the ops layer is not loaded');
  return engineOps;
}

/** Nodes reachable from the roots, each after every node that consumes its output (iterative, deep nets are deep). */
function topoOrder(roots: readonly Tensor[]): Node[] {
  const order: Node[] = [];
  const seen = new Set<Node>();
  const stack: [Node, number][] = [];
  for (const r of roots) {
    if (r.gradFn && !seen.has(r.gradFn)) {
      seen.add(r.gradFn);
      stack.push([r.gradFn, 0]);
    }
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const [node, i] = top;
      if (i < node.inputs.length) {
        top[1]++;
        const child = node.inputs[i].gradFn;
        if (child && !seen.has(child)) {
          seen.add(child);
          stack.push([child, 0]);
        }
      } else {
        stack.pop();
        order.push(node);
      }
    }
  }
  return order.reverse();
}

export interface BackwardOptions {
  retainGraph?: boolean;
  createGraph?: boolean;
}

interface RunOptions extends BackwardOptions {
  /** When given, return the gradients of these tensors instead of accumulating into leaves' `.grad`. */
  inputs?: readonly Tensor[];
}

function accumulate<K>(map: Map<K, Tensor>, key: K, g: Tensor): void {
  const prev = map.get(key);
  map.set(key, prev ? ops().add(prev, g) : g);
}

/** Reverse-mode sweep from `roots` seeded with `grads`. */
export function runBackward(roots: readonly Tensor[], grads: readonly Tensor[], opts: RunOptions = {}): (Tensor | null)[] {
  const createGraph = opts.createGraph ?? false;
  const retainGraph = opts.retainGraph ?? createGraph;
  const byNode = new Map<Node, Tensor>();
  const byLeaf = new Map<Tensor, Tensor>();
  const holders = new StorageCount();
  // the caller keeps its seeds: counted twice so no .grad ever takes one over
  grads.forEach((g) => holders.add(g, 2));
  roots.forEach((r, i) => {
    if (!r.requiresGrad) throw new Error('backward: element 0 of tensors does not require grad and does not have a gradFn');
    if (!shapesEqual(r.shape, grads[i].shape)) throw new RangeError(`backward: gradient of shape ${fmt(grads[i].shape)} given for an output of shape ${fmt(r.shape)}`);
    if (r.gradFn) accumulate(byNode, r.gradFn, grads[i]);
    else accumulate(byLeaf, r, grads[i]);
  });
  const nodes = topoOrder(roots);
  withGradMode(createGraph, () => {
    for (const node of nodes) {
      const summed = byNode.get(node);
      if (!summed) continue;
      if (node.released || !node.backwardFn) {
        throw new Error(`backward: trying to backward through the graph a second time (at ${node.name}); pass { retainGraph: true } to the first backward`);
      }
      // hooks registered on the node's output tensor (tensor.registerHook) see its whole gradient first
      const g = applyGradHooks(node, summed);
      if (node.retained) node.retained.grad = keep(accumulateGrad(node.retained.grad, g, createGraph));
      const inGrads = node.backwardFn(g);
      node.inputs.forEach((inp, i) => {
        const gi = inGrads[i];
        if (!gi || !inp.requiresGrad) return;
        if (!shapesEqual(gi.shape, inp.shape)) throw new Error(`autograd internal error: ${node.name} returned a gradient of shape ${fmt(gi.shape)} for an input of shape ${fmt(inp.shape)}`);
        holders.add(gi);
        if (inp.gradFn) accumulate(byNode, inp.gradFn, gi);
        else accumulate(byLeaf, inp, gi);
      });
    }
  });
  if (!retainGraph) {
    for (const node of nodes) {
      node.backwardFn = null;
      node.inputs = [];
      node.released = true;
    }
  }
  // leaves' hooks see the gradient of this sweep before it lands in .grad (or is returned)
  const hooked = withGradMode(createGraph, () => new Map([...byLeaf].map(([leaf, g]) => [leaf, applyGradHooks(leaf, g)])));
  if (opts.inputs) return opts.inputs.map((t) => (t.gradFn ? byNode.get(t.gradFn) : hooked.get(t)) ?? null);
  // gradients outlive the step's scope: the optimiser reads them, and users after training
  for (const [leaf, g] of hooked) leaf.grad = keep(accumulateGrad(leaf.grad, g, createGraph, g === byLeaf.get(leaf) && holders.only(g)));
  return [];
}

/**
 * How many gradient tensors of one backward sweep hold each storage. A leaf's gradient held by no other
 * (a fresh kernel output, as a convolution's weight gradient is) can become its `.grad` as it is; one shared
 * with another leaf, with a node's gradient it passed through, or with the caller's seed must be copied.
 */
class StorageCount {
  private readonly counts = new Map<unknown, number>();
  add(t: Tensor, n = 1): void {
    this.counts.set(t.storage, (this.counts.get(t.storage) ?? 0) + n);
  }
  /** True when t is the one gradient tensor of the sweep on its storage (sums made by accumulate count as none, being fresh). */
  only(t: Tensor): boolean {
    return (this.counts.get(t.storage) ?? 0) <= 1;
  }
}

/** `.grad` gets its own tensor: user code (gradient clipping) may modify it in place. */
function accumulateGrad(prev: Tensor | null, g: Tensor, createGraph: boolean, unshared = false): Tensor {
  if (prev) return createGraph ? ops().add(prev, g) : noGrad(() => ops().add(prev, g));
  if (createGraph) return g;
  return unshared && !g.requiresGrad ? g : ops().detachClone(g);
}

/**
 * Custom differentiable operations, as torch.autograd.Function: a subclass defines static
 * `forward(ctx, ...args)` and `backward(ctx, ...gradOutputs)`, and `Fn.apply(...args)` runs forward without
 * recording and records one node whose gradient is the user's backward.
 */
import { isGradEnabled, noGrad, record } from '../core/autograd.js';
import { isFloating } from '../core/dtype.js';
import { fmt, shapesEqual } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { describe } from './dispatch.js';
import { cat } from './indexing.js';
import { detach, narrow, reshape } from './views.js';

/** What forward and backward share: saved tensors, which inputs need a gradient, and any fields you set. */
export class FunctionCtx {
  /** For each argument of apply: a tensor that requires a gradient. */
  needsInputGrad: boolean[] = [];
  private saved: (Tensor | null)[] | null = null;
  [field: string]: unknown;

  /** Keeps tensors for backward (inputs or outputs), as ctx.save_for_backward. */
  saveForBackward(...tensors: (Tensor | null | undefined)[]): void {
    tensors.forEach((t, i) => {
      if (t != null && !(t instanceof Tensor)) throw new TypeError(`saveForBackward: argument ${i} must be a Tensor or null, got ${describe(t)}`);
    });
    this.saved = tensors.map((t) => t ?? null);
  }

  /** The tensors given to saveForBackward, in order. */
  get savedTensors(): (Tensor | null)[] {
    return this.saved ? this.saved.slice() : [];
  }
}

type Grad = Tensor | null | undefined;

/** Subclass with static forward and backward; call `YourFunction.apply(...)`, never forward directly. */
export class Function {
  static forward(_ctx: FunctionCtx, ..._args: never[]): Tensor | Tensor[] {
    throw new Error(`${this.name}.forward: a custom Function must define static forward(ctx, ...args)`);
  }

  static backward(_ctx: FunctionCtx, ..._grads: never[]): Grad | Grad[] {
    throw new Error(`${this.name}.backward: a custom Function must define static backward(ctx, ...gradOutputs) to be differentiated`);
  }

  /** Runs forward on the arguments and, when an input tensor requires a gradient, records backward for it. */
  static apply<F extends typeof Function>(this: F, ...args: Parameters<F['forward']> extends [unknown, ...infer A] ? A : never): ReturnType<F['forward']> {
    if (this === Function) throw new Error('Function.apply: call apply on a subclass that defines static forward and backward');
    const ctx = new FunctionCtx();
    ctx.needsInputGrad = args.map((a) => a instanceof Tensor && a.requiresGrad);
    const result = noGrad(() => (this.forward as (ctx: FunctionCtx, ...a: unknown[]) => unknown)(ctx, ...args));
    const outputs = Array.isArray(result) ? result : [result];
    outputs.forEach((o, i) => {
      if (!(o instanceof Tensor)) throw new TypeError(`${this.name}.forward: must return a Tensor or an array of Tensors, got ${describe(o)}${Array.isArray(result) ? ` at ${i}` : ''}`);
    });
    const inputs = args.filter((a): a is Tensor => a instanceof Tensor);
    if (!isGradEnabled() || !inputs.some((t) => t.requiresGrad)) return result as ReturnType<F['forward']>;
    const connected = connect(this, ctx, args, inputs, outputs as Tensor[]);
    return (Array.isArray(result) ? connected : connected[0]) as ReturnType<F['forward']>;
  }
}

/**
 * The outputs as new tensors behind one recorded node. Several floating outputs are packed into one flat
 * tensor (the node's output) and handed back as views of it, so backward runs once with every output's
 * gradient (zeros for outputs that got none, as PyTorch materialises them).
 */
function connect(fn: typeof Function, ctx: FunctionCtx, args: unknown[], inputs: Tensor[], outputs: Tensor[]): Tensor[] {
  const diff = outputs.map((o, i) => (isFloating(o.dtype) ? i : -1)).filter((i) => i >= 0);
  if (diff.length === 0) return outputs;
  const dtype = outputs[diff[0]].dtype;
  if (diff.some((i) => outputs[i].dtype !== dtype)) throw new TypeError(`${fn.name}.apply: floating outputs of different dtypes are not supported (${diff.map((i) => outputs[i].dtype).join(', ')})`);
  const packed = diff.length === 1 ? detach(outputs[diff[0]]) : noGrad(() => cat(diff.map((i) => reshape(outputs[i], [outputs[i].numel()]))));
  const node = record(`${fn.name}Backward`, packed, inputs, (g) => {
    let offset = 0;
    const grads = diff.map((i) => {
      const piece = diff.length === 1 ? g : reshape(narrow(g, 0, offset, outputs[i].numel()), outputs[i].shape);
      offset += outputs[i].numel();
      return piece;
    });
    return inputGrads(fn, ctx, args, (fn.backward as (ctx: FunctionCtx, ...g: Tensor[]) => Grad | Grad[])(ctx, ...grads));
  });
  if (diff.length === 1) return outputs.map((o, i) => (i === diff[0] ? node : o));
  let offset = 0;
  const views = new Map(diff.map((i) => {
    const v = reshape(narrow(node, 0, offset, outputs[i].numel()), outputs[i].shape);
    offset += outputs[i].numel();
    return [i, v];
  }));
  return outputs.map((o, i) => views.get(i) ?? o);
}

/** backward's result, one entry per argument of apply, checked and mapped to the tensor inputs. */
function inputGrads(fn: typeof Function, ctx: FunctionCtx, args: unknown[], result: Grad | Grad[]): Grad[] {
  const list = Array.isArray(result) ? result : [result];
  if (list.length !== args.length) {
    throw new RangeError(`${fn.name}.backward: returned ${list.length} gradient(s), expected ${args.length} (one per argument of apply, null for those without one)`);
  }
  const out: Grad[] = [];
  args.forEach((a, i) => {
    const g = list[i];
    if (!(a instanceof Tensor)) {
      if (g != null) throw new TypeError(`${fn.name}.backward: argument ${i} is not a tensor, so its gradient must be null, got ${describe(g)}`);
      return;
    }
    if (g != null && (!(g instanceof Tensor) || !shapesEqual(g.shape, a.shape))) {
      throw new RangeError(`${fn.name}.backward: the gradient of argument ${i} must have its shape ${fmt(a.shape)}, got ${g instanceof Tensor ? fmt(g.shape) : describe(g)}`);
    }
    out.push(g && ctx.needsInputGrad[i] ? g : null);
  });
  return out;
}

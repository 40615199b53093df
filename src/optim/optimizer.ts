/**
 * The Optimizer base (torch.optim.Optimizer): parameter groups with per-group options, per-parameter
 * state, zeroGrad/step, and state dicts to resume training exactly. Subclasses write one parameter's update.
 */
import { check } from '../core/args.js';
import { enableGrad, noGrad } from '../core/autograd.js';
import { fmt, shapesEqual } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { keep } from '../core/memory.js';
import { clone, copy_, detach, to } from '../ops/index.js';

/** Options every optimizer has. */
export interface OptimizerOptions {
  lr: number;
}

/**
 * One group of parameters and the options that apply to them. Learning-rate schedulers keep their
 * bookkeeping in the group too ('initialLr', 'maxLr', ...), as PyTorch's do.
 */
export type ParamGroup<O extends OptimizerOptions = OptimizerOptions> = O & { params: Tensor[]; [key: string]: unknown };

/** What the constructor and addParamGroup accept: parameters, plus any options that differ from the defaults. */
export type ParamGroupInput<O extends OptimizerOptions = OptimizerOptions> = Partial<O> & { params: Iterable<Tensor> | Tensor; [key: string]: unknown };

/** Per-parameter state: step counts as numbers, buffers as tensors. */
export type ParamState = Record<string, Tensor | number>;

export interface OptimizerStateDict {
  /** State by parameter position (counted across groups in order). */
  state: Record<number, ParamState>;
  /** Each group's options, with its parameters as positions. */
  paramGroups: Record<string, unknown>[];
}

/** An optimizer's first argument: an iterable of parameters, or of parameter groups. */
export const PARAMS = check<Iterable<Tensor> | Iterable<ParamGroupInput>>(
  'an iterable of Tensors or of parameter groups (model.parameters())',
  (v) => typeof v === 'object' && v !== null && !(v instanceof Tensor) && Symbol.iterator in v,
);

/** PyTorch's foreach/differentiable switches pick among implementations convkit does not have: only their defaults. */
export const DEFAULT_ONLY = check<null | false>('null or false (convkit has one implementation)', (v) => v === null || v === false);

/** Copies a group's option values so that a state dict does not alias the live optimizer. */
function copyOptions(group: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(group).filter(([k]) => k !== 'params').map(([k, v]) => [k, Array.isArray(v) ? v.slice() : v]));
}

export abstract class Optimizer<O extends OptimizerOptions = OptimizerOptions> {
  readonly defaults: O;
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state, created at each parameter's first update. */
  state = new Map<Tensor, ParamState>();

  constructor(params: Iterable<Tensor> | Iterable<ParamGroupInput<O>>, defaults: O) {
    this.defaults = defaults;
    const list = [...params] as (Tensor | ParamGroupInput<O>)[];
    if (list.length === 0) throw new RangeError(`${this.constructor.name}: got an empty parameter list`);
    const groups = list.every((p) => p instanceof Tensor) ? [{ params: list as Tensor[] } as unknown as ParamGroupInput<O>] : list;
    for (const g of groups) {
      if (g instanceof Tensor) throw new TypeError(`${this.constructor.name}: expected parameters or parameter groups, not a mix of both`);
      this.addParamGroup(g);
    }
  }

  /** Checks one group's merged options (lr >= 0, betas in [0, 1), ...); throws with the optimizer's name. */
  protected abstract validate(options: O): void;

  /** Updates one parameter in place from its gradient; called without gradient recording. */
  protected abstract updateParameter(param: Tensor, grad: Tensor, group: ParamGroup<O>, state: ParamState): void;

  /** Adds parameters trained with their own options (e.g. a smaller lr for a pretrained backbone). */
  addParamGroup(group: ParamGroupInput<O>): void {
    const name = this.constructor.name;
    if (typeof group !== 'object' || group === null || !('params' in group)) throw new TypeError(`${name}: a parameter group needs a 'params' entry`);
    const params = group.params instanceof Tensor ? [group.params] : [...group.params];
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    params.forEach((p, i) => {
      if (!(p instanceof Tensor)) throw new TypeError(`${name}: can only optimize Tensors, but parameter ${i} is ${typeof p}`);
      if (!p.isLeaf) throw new Error(`${name}: can't optimize a non-leaf Tensor (parameter ${i} ${fmt(p.shape)})`);
      if (seen.has(p)) throw new Error(`${name}: some parameters appear in more than one parameter group (parameter ${i} ${fmt(p.shape)})`);
      seen.add(p);
    });
    const merged = { ...this.defaults, ...group, params } as ParamGroup<O>;
    for (const [k, v] of Object.entries(merged)) if (Array.isArray(v) && k !== 'params') (merged as Record<string, unknown>)[k] = v.slice();
    this.validate(merged);
    this.paramGroups.push(merged);
  }

  /** Clears the gradients (null by default, as PyTorch's set_to_none=True; zeros otherwise). */
  zeroGrad(setToNone = true): void {
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (!p.grad) continue;
        if (setToNone) p.grad = null;
        else noGrad(() => copy_(p.grad!, 0));
      }
    }
  }

  /**
   * Updates every parameter that has a gradient. The optional closure re-evaluates the model and returns
   * the loss (it runs with gradients on); step returns that loss.
   */
  step(closure?: () => Tensor): Tensor | undefined {
    const loss = closure ? enableGrad(closure) : undefined;
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (!p.grad) continue;
          let state = this.state.get(p);
          if (!state) this.state.set(p, (state = {}));
          const before = { ...state };
          this.updateParameter(p, p.grad, group, state);
          renew(before, state);
        }
      }
    });
    return loss;
  }

  /** Options and state, with parameters referred to by position; tensors are copies. */
  stateDict(): OptimizerStateDict {
    const state: Record<number, ParamState> = {};
    const paramGroups: Record<string, unknown>[] = [];
    let index = 0;
    for (const g of this.paramGroups) {
      const ids: number[] = [];
      for (const p of g.params) {
        const s = this.state.get(p);
        if (s) state[index] = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v instanceof Tensor ? clone(detach(v)) : v]));
        ids.push(index++);
      }
      paramGroups.push({ ...copyOptions(g), params: ids });
    }
    return { state, paramGroups };
  }

  /** Restores options and state saved by stateDict (for an optimizer over the same parameters, in the same order). */
  loadStateDict(sd: OptimizerStateDict): void {
    const name = this.constructor.name;
    if (!sd || !Array.isArray(sd.paramGroups) || typeof sd.state !== 'object') throw new TypeError(`${name}.loadStateDict: expected { state, paramGroups }`);
    if (sd.paramGroups.length !== this.paramGroups.length) {
      throw new RangeError(`${name}.loadStateDict: the loaded state dict has ${sd.paramGroups.length} parameter groups, the optimizer ${this.paramGroups.length}`);
    }
    sd.paramGroups.forEach((g, i) => {
      const ids = g.params as number[];
      if (ids.length !== this.paramGroups[i].params.length) {
        throw new RangeError(`${name}.loadStateDict: parameter group ${i} has ${ids.length} parameters in the state dict, ${this.paramGroups[i].params.length} in the optimizer`);
      }
    });
    const byId = new Map<number, Tensor>();
    sd.paramGroups.forEach((g, i) => (g.params as number[]).forEach((id, j) => byId.set(id, this.paramGroups[i].params[j])));
    for (const [id, s] of Object.entries(sd.state)) {
      const p = byId.get(Number(id));
      if (!p) throw new RangeError(`${name}.loadStateDict: state for parameter ${id}, which no group contains`);
      for (const v of Object.values(s)) {
        if (v instanceof Tensor && v.ndim > 0 && !shapesEqual(v.shape, p.shape)) {
          throw new RangeError(`${name}.loadStateDict: state of parameter ${id} has shape ${fmt(v.shape)}, the parameter ${fmt(p.shape)}`);
        }
      }
    }
    this.state = new Map();
    for (const [id, s] of Object.entries(sd.state)) {
      const p = byId.get(Number(id))!;
      this.state.set(p, Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v instanceof Tensor ? keep(to(clone(detach(v)), p.dtype)) : v])));
    }
    sd.paramGroups.forEach((g, i) => Object.assign(this.paramGroups[i], copyOptions(g)));
  }
}

/** Throws `${op}: invalid ${name}: ${value}` unless ok. */
export function checkOption(ok: boolean, op: string, name: string, value: unknown): void {
  if (!ok) throw new RangeError(`${op}: invalid ${name}: ${JSON.stringify(value)}`);
}

/** How PyTorch's errors name the options that must be non-negative ('Invalid learning rate: -1'). */
const NON_NEGATIVE_LABELS = {
  lr: 'learning rate',
  eps: 'epsilon value',
  momentum: 'momentum value',
  weightDecay: 'weightDecay value',
  alpha: 'alpha value',
  lrDecay: 'lrDecay value',
  initialAccumulatorValue: 'initialAccumulatorValue',
} as const;

/** Checks that each of `keys` is >= 0 (not NaN), in order, as PyTorch's constructors do. */
export function checkNonNegative<O extends OptimizerOptions>(options: O, op: string, keys: readonly (keyof O & keyof typeof NON_NEGATIVE_LABELS)[]): void {
  for (const k of keys) checkOption((options[k] as number) >= 0, op, NON_NEGATIVE_LABELS[k], options[k]);
}

/**
 * State tensors outlive the step (kept from scopes); one an update replaced is the optimizer's alone, so its
 * device memory is freed now rather than when the garbage collector finds it.
 */
function renew(before: ParamState, after: ParamState): void {
  for (const [k, v] of Object.entries(after)) {
    if (!(v instanceof Tensor)) continue;
    keep(v);
    const old = before[k];
    if (old instanceof Tensor && old.storage !== v.storage) old.dispose();
  }
}

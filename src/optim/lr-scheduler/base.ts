/**
 * The base of the epoch-indexed learning-rate schedules (torch.optim.lr_scheduler), step for step PyTorch
 * 1.13's: each scheduler's chainable form (the new lr from the group's current lr, so schedulers compose)
 * and, where PyTorch has one, its closed form (used by step(epoch) and by SequentialLR at milestones).
 */
import { check } from '../../core/args.js';
import type { Optimizer } from '../optimizer.js';

/** Schedulers only need each group's lr (and keep their own bookkeeping in the group). */
export type AnyOptimizer = Optimizer<{ lr: number }>;

/** A scheduler's optimizer argument. */
export const OPTIMIZER = check<AnyOptimizer>('an Optimizer', (v) => typeof v === 'object' && v !== null && Array.isArray((v as AnyOptimizer).paramGroups));
/** PyTorch's verbose prints each change; convkit's schedulers do not print, so only false is accepted. */
export const VERBOSE = check<false>('false (convkit schedulers do not print; read getLastLr())', (v) => v === false);
export const LAST = [['lastEpoch', check<number>('an integer', (v) => Number.isInteger(v))], ['verbose', VERBOSE]] as const;

/** Each group's current learning rate. */
export function currentLrs(optimizer: AnyOptimizer): number[] {
  return optimizer.paramGroups.map((g) => g.lr);
}

/** A value per parameter group: a single number is repeated. */
export function perGroup(value: number | readonly number[], optimizer: AnyOptimizer, name: string, op: string): number[] {
  if (typeof value === 'number') return optimizer.paramGroups.map(() => value);
  if (value.length !== optimizer.paramGroups.length) throw new RangeError(`${op}: expected ${optimizer.paramGroups.length} values for ${name}, got ${value.length}`);
  return value.slice();
}

/** Values a state dict can hold: numbers, strings, booleans and arrays/objects of them (no functions, no schedulers). */
function isData(v: unknown): boolean {
  if (v === null || ['number', 'string', 'boolean', 'undefined'].includes(typeof v)) return true;
  if (Array.isArray(v)) return v.every(isData);
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.values(v as object).every(isData);
  return false;
}

export interface SchedulerOptions {
  /** The index of the last epoch when resuming; -1 (the default) starts from the optimizer's lr. */
  lastEpoch?: number;
}

/**
 * The base of epoch-indexed schedulers. Subclasses set their fields and then call `initialStep()` at the
 * end of their constructor (PyTorch's base __init__ does that step, after the subclass attributes exist).
 * Call `scheduler.step()` after `optimizer.step()`, once per epoch (or per batch for OneCycleLR).
 */
export abstract class LRScheduler {
  readonly optimizer: AnyOptimizer;
  baseLrs: number[];
  lastEpoch: number;
  protected _stepCount = 0;
  protected _lastLr: number[] = [];

  constructor(optimizer: AnyOptimizer, lastEpoch = -1) {
    this.optimizer = optimizer;
    optimizer.paramGroups.forEach((group, i) => {
      if (lastEpoch === -1) group.initialLr ??= group.lr;
      else if (typeof group.initialLr !== 'number') throw new Error(`${this.constructor.name}: param 'initialLr' is not specified in paramGroups[${i}] when resuming an optimizer`);
    });
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
  }

  /** The learning rates for `lastEpoch`, from the groups' current ones (the chainable form). */
  protected abstract getLr(): number[];

  /** The learning rates for `lastEpoch` from the base lrs alone, where the schedule has a formula. */
  protected closedFormLr?(): number[];

  /** Performs the step to epoch 0: subclasses call it last in their constructor, SequentialLR to restart. */
  initialStep(): void {
    this._stepCount = 0;
    this.step();
  }

  /**
   * Advances one epoch and writes the new lr into each group. Passing `epoch` jumps there using the closed
   * form (deprecated in PyTorch, kept because SequentialLR restarts its schedulers with it).
   */
  step(epoch?: number): void {
    this._stepCount++;
    if (epoch === undefined) {
      this.lastEpoch++;
      this.applyLrs(this.getLr());
    } else {
      this.lastEpoch = epoch;
      this.applyLrs(this.closedFormLr ? this.closedFormLr() : this.getLr());
    }
  }

  /** Writes one lr into each group and remembers them for getLastLr. */
  protected applyLrs(values: readonly number[]): void {
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = values[i]));
    this._lastLr = currentLrs(this.optimizer);
  }

  /** The learning rates set by the last step. */
  getLastLr(): number[] {
    return this._lastLr.slice();
  }

  /** The scheduler's own numbers and settings (not the optimizer, lr functions or inner schedulers). */
  stateDict(): Record<string, unknown> {
    return Object.fromEntries(Object.entries(this).filter(([k, v]) => k !== 'optimizer' && isData(v)).map(([k, v]) => [k, structuredClone(v)]));
  }

  loadStateDict(state: Record<string, unknown>): void {
    for (const [k, v] of Object.entries(state)) if (k !== 'optimizer') (this as Record<string, unknown>)[k] = structuredClone(v);
  }
}

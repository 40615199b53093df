/**
 * Learning-rate schedules (torch.optim.lr_scheduler), step for step PyTorch 1.13's: each scheduler's
 * chainable form (the new lr from the group's current lr, so schedulers compose) and, where PyTorch has
 * one, its closed form (used by step(epoch) and by SequentialLR at milestones). Call `scheduler.step()`
 * after `optimizer.step()`, once per epoch (or per batch for OneCycleLR).
 */
import type { Optimizer, ParamGroup } from './optimizer.js';

type AnyOptimizer = Optimizer<{ lr: number }>;

function groupNumber(group: ParamGroup, key: string, op: string): number {
  const v = group[key];
  if (typeof v !== 'number') throw new Error(`${op}: parameter group has no '${key}' (was the optimizer created for another scheduler?)`);
  return v;
}

/** A value per parameter group: a single number is repeated. */
function perGroup(value: number | readonly number[], optimizer: AnyOptimizer, name: string, op: string): number[] {
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
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch++;
      values = this.getLr();
    } else {
      this.lastEpoch = epoch;
      values = this.closedFormLr ? this.closedFormLr() : this.getLr();
    }
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = values[i]));
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
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

export interface StepLROptions extends SchedulerOptions {
  gamma?: number;
}

/** lr = initialLr · gamma^⌊epoch/stepSize⌋. */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(optimizer: AnyOptimizer, stepSize: number, { gamma = 0.1, lastEpoch }: StepLROptions = {}) {
    super(optimizer, lastEpoch);
    if (!Number.isInteger(stepSize) || stepSize <= 0) throw new RangeError(`StepLR: stepSize must be a positive integer, got ${stepSize}`);
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.initialStep();
  }

  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}

/** lr = initialLr · gamma^(number of milestones reached); a repeated milestone decays twice. */
export class MultiStepLR extends LRScheduler {
  readonly milestones: number[];
  readonly gamma: number;

  constructor(optimizer: AnyOptimizer, milestones: readonly number[], { gamma = 0.1, lastEpoch }: StepLROptions = {}) {
    super(optimizer, lastEpoch);
    if (!Array.isArray(milestones) || milestones.some((m) => !Number.isInteger(m))) throw new TypeError(`MultiStepLR: milestones must be an array of integers, got ${JSON.stringify(milestones)}`);
    this.milestones = milestones.slice().sort((a, b) => a - b);
    this.gamma = gamma;
    this.initialStep();
  }

  protected getLr(): number[] {
    const hits = this.milestones.filter((m) => m === this.lastEpoch).length;
    return this.optimizer.paramGroups.map((g) => (hits === 0 ? g.lr : g.lr * this.gamma ** hits));
  }

  protected override closedFormLr(): number[] {
    const reached = this.milestones.filter((m) => m <= this.lastEpoch).length;
    return this.baseLrs.map((lr) => lr * this.gamma ** reached);
  }
}

export interface ConstantLROptions extends SchedulerOptions {
  factor?: number;
  totalIters?: number;
}

/** lr = initialLr · factor until totalIters, then initialLr (a warm-up at a constant fraction). */
export class ConstantLR extends LRScheduler {
  readonly factor: number;
  readonly totalIters: number;

  constructor(optimizer: AnyOptimizer, { factor = 1 / 3, totalIters = 5, lastEpoch }: ConstantLROptions = {}) {
    super(optimizer, lastEpoch);
    if (!(factor >= 0 && factor <= 1)) throw new RangeError(`ConstantLR: factor expected to be between 0 and 1, got ${factor}`);
    this.factor = factor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0) return groups.map((g) => g.lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * (1 / this.factor));
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * (this.factor + (this.lastEpoch >= this.totalIters ? 1 : 0) * (1 - this.factor)));
  }
}

export interface LinearLROptions extends SchedulerOptions {
  startFactor?: number;
  endFactor?: number;
  totalIters?: number;
}

/** The factor on initialLr moves linearly from startFactor to endFactor over totalIters epochs (warm-up). */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  constructor(optimizer: AnyOptimizer, { startFactor = 1 / 3, endFactor = 1, totalIters = 5, lastEpoch }: LinearLROptions = {}) {
    super(optimizer, lastEpoch);
    if (!(startFactor > 0 && startFactor <= 1)) throw new RangeError(`LinearLR: startFactor expected to be in (0, 1], got ${startFactor}`);
    if (!(endFactor >= 0 && endFactor <= 1)) throw new RangeError(`LinearLR: endFactor expected to be between 0 and 1, got ${endFactor}`);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0) return groups.map((g) => g.lr * this.startFactor);
    if (this.lastEpoch > this.totalIters) return groups.map((g) => g.lr);
    const span = this.endFactor - this.startFactor;
    return groups.map((g) => g.lr * (1 + span / (this.totalIters * this.startFactor + (this.lastEpoch - 1) * span)));
  }

  protected override closedFormLr(): number[] {
    const progress = Math.min(this.totalIters, this.lastEpoch) / this.totalIters;
    return this.baseLrs.map((lr) => lr * (this.startFactor + (this.endFactor - this.startFactor) * progress));
  }
}

/** lr = initialLr · gamma^epoch. */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;

  constructor(optimizer: AnyOptimizer, gamma: number, { lastEpoch }: SchedulerOptions = {}) {
    super(optimizer, lastEpoch);
    this.gamma = gamma;
    this.initialStep();
  }

  protected getLr(): number[] {
    return this.optimizer.paramGroups.map((g) => (this.lastEpoch === 0 ? g.lr : g.lr * this.gamma));
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** this.lastEpoch);
  }
}

export interface PolynomialLROptions extends SchedulerOptions {
  totalIters?: number;
  power?: number;
}

/** lr = initialLr · (1 - min(epoch, totalIters)/totalIters)^power. */
export class PolynomialLR extends LRScheduler {
  readonly totalIters: number;
  readonly power: number;

  constructor(optimizer: AnyOptimizer, { totalIters = 5, power = 1, lastEpoch }: PolynomialLROptions = {}) {
    super(optimizer, lastEpoch);
    this.totalIters = totalIters;
    this.power = power;
    this.initialStep();
  }

  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0 || this.lastEpoch > this.totalIters) return groups.map((g) => g.lr);
    const decay = ((1 - this.lastEpoch / this.totalIters) / (1 - (this.lastEpoch - 1) / this.totalIters)) ** this.power;
    return groups.map((g) => g.lr * decay);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * (1 - Math.min(this.totalIters, this.lastEpoch) / this.totalIters) ** this.power);
  }
}

export interface CosineAnnealingOptions extends SchedulerOptions {
  etaMin?: number;
}

/** lr = etaMin + (initialLr - etaMin)·(1 + cos(π·epoch/tMax))/2 (Loshchilov & Hutter 2017, without restarts). */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: AnyOptimizer, tMax: number, { etaMin = 0, lastEpoch }: CosineAnnealingOptions = {}) {
    super(optimizer, lastEpoch);
    if (!(tMax > 0)) throw new RangeError(`CosineAnnealingLR: tMax must be positive, got ${tMax}`);
    this.tMax = tMax;
    this.etaMin = etaMin;
    this.initialStep();
  }

  protected getLr(): number[] {
    const { lastEpoch: e, tMax, etaMin } = this;
    const groups = this.optimizer.paramGroups;
    if (e === 0) return groups.map((g) => g.lr);
    if (this._stepCount === 1 && e > 0) return this.baseLrs.map((lr) => etaMin + ((lr - etaMin) * (1 + Math.cos((e * Math.PI) / tMax))) / 2);
    if ((e - 1 - tMax) % (2 * tMax) === 0) return groups.map((g, i) => g.lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
    return groups.map((g) => ((1 + Math.cos((Math.PI * e) / tMax)) / (1 + Math.cos((Math.PI * (e - 1)) / tMax))) * (g.lr - etaMin) + etaMin);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => this.etaMin + ((lr - this.etaMin) * (1 + Math.cos((Math.PI * this.lastEpoch) / this.tMax))) / 2);
  }
}

/** lr = etaMin + (initialLr - etaMin)·(1 + cos(π·tCur/tI))/2, restarting after t0, t0·tMult, ... epochs (SGDR). */
export class CosineAnnealingWarmRestarts extends LRScheduler {
  readonly t0: number;
  readonly tMult: number;
  readonly etaMin: number;
  tI: number;
  tCur: number;

  constructor(optimizer: AnyOptimizer, t0: number, { tMult = 1, etaMin = 0, lastEpoch = -1 }: CosineAnnealingOptions & { tMult?: number } = {}) {
    super(optimizer, lastEpoch);
    if (!Number.isInteger(t0) || t0 <= 0) throw new RangeError(`CosineAnnealingWarmRestarts: expected a positive integer t0, got ${t0}`);
    if (!Number.isInteger(tMult) || tMult < 1) throw new RangeError(`CosineAnnealingWarmRestarts: expected an integer tMult >= 1, got ${tMult}`);
    this.t0 = t0;
    this.tI = t0;
    this.tMult = tMult;
    this.etaMin = etaMin;
    this.tCur = lastEpoch;
    this.initialStep();
  }

  protected getLr(): number[] {
    return this.baseLrs.map((lr) => this.etaMin + ((lr - this.etaMin) * (1 + Math.cos((Math.PI * this.tCur) / this.tI))) / 2);
  }

  /** One epoch, or a jump to a (possibly fractional) epoch, as PyTorch's. */
  override step(epoch?: number): void {
    this._stepCount++;
    if (epoch === undefined && this.lastEpoch < 0) epoch = 0;
    if (epoch === undefined) {
      epoch = this.lastEpoch + 1;
      this.tCur += 1;
      if (this.tCur >= this.tI) {
        this.tCur -= this.tI;
        this.tI *= this.tMult;
      }
    } else {
      if (epoch < 0) throw new RangeError(`CosineAnnealingWarmRestarts: expected a non-negative epoch, got ${epoch}`);
      if (epoch >= this.t0) {
        if (this.tMult === 1) {
          this.tCur = epoch % this.t0;
        } else {
          const n = Math.floor(Math.log((epoch / this.t0) * (this.tMult - 1) + 1) / Math.log(this.tMult));
          this.tCur = epoch - (this.t0 * (this.tMult ** n - 1)) / (this.tMult - 1);
          this.tI = this.t0 * this.tMult ** n;
        }
      } else {
        this.tI = this.t0;
        this.tCur = epoch;
      }
    }
    this.lastEpoch = Math.floor(epoch);
    const values = this.getLr();
    this.optimizer.paramGroups.forEach((g, i) => (g.lr = values[i]));
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }
}

type LrLambda = (epoch: number) => number;

function lambdas(optimizer: AnyOptimizer, fn: LrLambda | readonly LrLambda[], op: string): LrLambda[] {
  if (typeof fn === 'function') return optimizer.paramGroups.map(() => fn);
  if (fn.length !== optimizer.paramGroups.length) throw new RangeError(`${op}: expected ${optimizer.paramGroups.length} lr lambdas, got ${fn.length}`);
  return fn.slice();
}

/** lr = initialLr · lrLambda(epoch) (one function, or one per group). */
export class LambdaLR extends LRScheduler {
  private readonly _lambdas: LrLambda[];

  constructor(optimizer: AnyOptimizer, lrLambda: LrLambda | readonly LrLambda[], { lastEpoch }: SchedulerOptions = {}) {
    super(optimizer, lastEpoch);
    this._lambdas = lambdas(optimizer, lrLambda, 'LambdaLR');
    this.initialStep();
  }

  protected getLr(): number[] {
    return this.baseLrs.map((lr, i) => lr * this._lambdas[i](this.lastEpoch));
  }
}

/** lr = previous lr · lrLambda(epoch), from epoch 1 on. */
export class MultiplicativeLR extends LRScheduler {
  private readonly _lambdas: LrLambda[];

  constructor(optimizer: AnyOptimizer, lrLambda: LrLambda | readonly LrLambda[], { lastEpoch }: SchedulerOptions = {}) {
    super(optimizer, lastEpoch);
    this._lambdas = lambdas(optimizer, lrLambda, 'MultiplicativeLR');
    this.initialStep();
  }

  protected getLr(): number[] {
    return this.optimizer.paramGroups.map((g, i) => (this.lastEpoch > 0 ? g.lr * this._lambdas[i](this.lastEpoch) : g.lr));
  }
}

function checkSameOptimizer(schedulers: readonly LRScheduler[], optimizer: AnyOptimizer, op: string): void {
  if (!Array.isArray(schedulers) || schedulers.length === 0) throw new RangeError(`${op}: expected a non-empty list of schedulers`);
  schedulers.forEach((s, i) => {
    if (!(s instanceof LRScheduler)) throw new TypeError(`${op}: scheduler ${i} is not an LRScheduler`);
    if (s.optimizer !== optimizer) throw new Error(`${op}: expects all schedulers to belong to the same optimizer, but scheduler ${i} has another one`);
  });
}

/**
 * Runs `schedulers[0]` until milestones[0], then schedulers[1] (restarted at its epoch 0), ... e.g. a linear
 * warm-up followed by cosine annealing.
 */
export class SequentialLR extends LRScheduler {
  private readonly _schedulers: LRScheduler[];
  readonly milestones: number[];

  constructor(optimizer: AnyOptimizer, schedulers: readonly LRScheduler[], milestones: readonly number[], { lastEpoch = -1 }: SchedulerOptions = {}) {
    super(optimizer, lastEpoch);
    checkSameOptimizer(schedulers, optimizer, 'SequentialLR');
    if (milestones.length !== schedulers.length - 1) {
      throw new RangeError(`SequentialLR: expects one milestone fewer than schedulers, got ${schedulers.length} schedulers and ${milestones.length} milestones`);
    }
    this._schedulers = schedulers.slice();
    this.milestones = milestones.slice();
    this.lastEpoch = lastEpoch + 1;
    // undo the initial steps the schedulers made when they were built, then restart the first one
    for (const g of optimizer.paramGroups) g.lr = g.initialLr as number;
    for (const s of this._schedulers) s.lastEpoch -= 1;
    this._schedulers[0].initialStep();
    this._lastLr = this._schedulers[0].getLastLr();
  }

  protected getLr(): number[] {
    return this._lastLr.slice();
  }

  override step(): void {
    this.lastEpoch++;
    const idx = this.milestones.filter((m) => m <= this.lastEpoch).length;
    const scheduler = this._schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) scheduler.step(0);
    else scheduler.step();
    this._lastLr = scheduler.getLastLr();
  }

  override stateDict(): Record<string, unknown> {
    return { ...super.stateDict(), _schedulers: this._schedulers.map((s) => s.stateDict()) };
  }

  override loadStateDict(state: Record<string, unknown>): void {
    const { _schedulers: inner, ...own } = state as { _schedulers: Record<string, unknown>[] };
    super.loadStateDict(own);
    inner.forEach((s, i) => this._schedulers[i].loadStateDict(s));
  }
}

/** Steps several schedulers together: their factors multiply (e.g. a warm-up and a decay at once). */
export class ChainedScheduler {
  readonly optimizer: AnyOptimizer;
  private readonly _schedulers: LRScheduler[];
  private _lastLr: number[];

  constructor(schedulers: readonly LRScheduler[]) {
    checkSameOptimizer(schedulers, schedulers[0]?.optimizer, 'ChainedScheduler');
    this.optimizer = schedulers[0].optimizer;
    this._schedulers = schedulers.slice();
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  step(): void {
    for (const s of this._schedulers) s.step();
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  getLastLr(): number[] {
    return this._lastLr.slice();
  }

  stateDict(): Record<string, unknown> {
    return { _lastLr: this._lastLr.slice(), _schedulers: this._schedulers.map((s) => s.stateDict()) };
  }

  loadStateDict(state: Record<string, unknown>): void {
    this._lastLr = (state._lastLr as number[]).slice();
    (state._schedulers as Record<string, unknown>[]).forEach((s, i) => this._schedulers[i].loadStateDict(s));
  }
}

export interface OneCycleLROptions extends SchedulerOptions {
  /** The number of steps in the cycle; or give epochs and stepsPerEpoch. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the lr. Default 0.3. */
  pctStart?: number;
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum (or Adam's beta1) inversely to the lr. Default true. */
  cycleMomentum?: boolean;
  baseMomentum?: number | readonly number[];
  maxMomentum?: number | readonly number[];
  /** initialLr = maxLr/divFactor. Default 25. */
  divFactor?: number;
  /** minLr = initialLr/finalDivFactor. Default 1e4. */
  finalDivFactor?: number;
  /** A third phase annihilates the lr after a symmetric up/down (fast.ai's original schedule). */
  threePhase?: boolean;
}

interface Phase {
  endStep: number;
  startLr: string;
  endLr: string;
  startMomentum: string;
  endMomentum: string;
}

/**
 * The 1cycle policy (Smith & Topin 2018), stepped once per batch: lr rises from maxLr/divFactor to maxLr
 * over pctStart of the steps, then anneals to initialLr/finalDivFactor; momentum moves the other way.
 */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  readonly cycleMomentum: boolean;
  readonly annealStrategy: 'cos' | 'linear';
  private readonly _phases: Phase[];
  private readonly _useBeta1: boolean;

  constructor(optimizer: AnyOptimizer, maxLr: number | readonly number[], opts: OneCycleLROptions = {}) {
    const {
      totalSteps, epochs, stepsPerEpoch, pctStart = 0.3, annealStrategy = 'cos', cycleMomentum = true,
      baseMomentum = 0.85, maxMomentum = 0.95, divFactor = 25, finalDivFactor = 1e4, threePhase = false, lastEpoch = -1,
    } = opts;
    const steps = OneCycleLR.countSteps(totalSteps, epochs, stepsPerEpoch);
    if (!(pctStart >= 0 && pctStart <= 1)) throw new RangeError(`OneCycleLR: expected pctStart between 0 and 1, got ${pctStart}`);
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') throw new RangeError(`OneCycleLR: annealStrategy must be 'cos' or 'linear', got ${JSON.stringify(annealStrategy)}`);
    const maxLrs = perGroup(maxLr, optimizer, 'maxLr', 'OneCycleLR');
    if (lastEpoch === -1) {
      optimizer.paramGroups.forEach((g, i) => {
        g.initialLr = maxLrs[i] / divFactor;
        g.maxLr = maxLrs[i];
        g.minLr = (g.initialLr as number) / finalDivFactor;
      });
    }
    const useBeta1 = 'betas' in optimizer.defaults;
    if (cycleMomentum) {
      if (!('momentum' in optimizer.defaults) && !useBeta1) throw new Error('OneCycleLR: optimizer must support momentum (momentum or betas) with the cycleMomentum option enabled');
      const maxM = perGroup(maxMomentum, optimizer, 'maxMomentum', 'OneCycleLR');
      const baseM = perGroup(baseMomentum, optimizer, 'baseMomentum', 'OneCycleLR');
      if (lastEpoch === -1) {
        optimizer.paramGroups.forEach((g, i) => {
          if (useBeta1) g.betas = [maxM[i], (g.betas as number[])[1]];
          else g.momentum = maxM[i];
          g.maxMomentum = maxM[i];
          g.baseMomentum = baseM[i];
        });
      }
    }
    super(optimizer, lastEpoch);
    this.totalSteps = steps;
    this.cycleMomentum = cycleMomentum;
    this.annealStrategy = annealStrategy;
    this._useBeta1 = useBeta1;
    this._phases = threePhase
      ? [
        { endStep: pctStart * steps - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
        { endStep: 2 * pctStart * steps - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
        { endStep: steps - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
      ]
      : [
        { endStep: pctStart * steps - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
        { endStep: steps - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
      ];
    this.initialStep();
  }

  private static countSteps(totalSteps?: number, epochs?: number, stepsPerEpoch?: number): number {
    if (totalSteps !== undefined) {
      if (!Number.isInteger(totalSteps) || totalSteps <= 0) throw new RangeError(`OneCycleLR: expected a positive integer totalSteps, got ${totalSteps}`);
      return totalSteps;
    }
    if (epochs === undefined || stepsPerEpoch === undefined) throw new RangeError('OneCycleLR: you must define either totalSteps or (epochs and stepsPerEpoch)');
    if (!Number.isInteger(epochs) || epochs <= 0) throw new RangeError(`OneCycleLR: expected a positive integer epochs, got ${epochs}`);
    if (!Number.isInteger(stepsPerEpoch) || stepsPerEpoch <= 0) throw new RangeError(`OneCycleLR: expected a positive integer stepsPerEpoch, got ${stepsPerEpoch}`);
    return epochs * stepsPerEpoch;
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'linear') return (end - start) * pct + start;
    return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) throw new RangeError(`OneCycleLR: tried to step ${stepNum + 1} times; the specified number of total steps is ${this.totalSteps}`);
    return this.optimizer.paramGroups.map((g) => {
      let startStep = 0;
      for (const [i, phase] of this._phases.entries()) {
        if (stepNum <= phase.endStep || i === this._phases.length - 1) {
          const pct = (stepNum - startStep) / (phase.endStep - startStep);
          const lr = this.anneal(groupNumber(g, phase.startLr, 'OneCycleLR'), groupNumber(g, phase.endLr, 'OneCycleLR'), pct);
          if (this.cycleMomentum) {
            const m = this.anneal(groupNumber(g, phase.startMomentum, 'OneCycleLR'), groupNumber(g, phase.endMomentum, 'OneCycleLR'), pct);
            if (this._useBeta1) g.betas = [m, (g.betas as number[])[1]];
            else g.momentum = m;
          }
          return lr;
        }
        startStep = phase.endStep;
      }
      throw new Error('OneCycleLR: unreachable');
    });
  }
}

export interface ReduceLROnPlateauOptions {
  /** 'min': the metric should decrease (a loss); 'max': increase (an accuracy). */
  mode?: 'min' | 'max';
  /** lr = lr·factor at each reduction. Default 0.1. */
  factor?: number;
  /** Epochs without improvement tolerated before reducing. Default 10. */
  patience?: number;
  /** The least change that counts as an improvement. Default 1e-4. */
  threshold?: number;
  /** 'rel': relative to the best value; 'abs': absolute. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting again. */
  cooldown?: number;
  minLr?: number | readonly number[];
  /** Reductions smaller than this are skipped. */
  eps?: number;
}

/** Reduces the lr by `factor` when a metric has stopped improving for `patience` epochs. */
export class ReduceLROnPlateau {
  readonly optimizer: AnyOptimizer;
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  private _lastLr: number[];

  constructor(optimizer: AnyOptimizer, opts: ReduceLROnPlateauOptions = {}) {
    const { mode = 'min', factor = 0.1, patience = 10, threshold = 1e-4, thresholdMode = 'rel', cooldown = 0, minLr = 0, eps = 1e-8 } = opts;
    if (!(factor < 1)) throw new RangeError(`ReduceLROnPlateau: factor should be < 1.0, got ${factor}`);
    if (mode !== 'min' && mode !== 'max') throw new RangeError(`ReduceLROnPlateau: mode ${JSON.stringify(mode)} is unknown (expected 'min' or 'max')`);
    if (thresholdMode !== 'rel' && thresholdMode !== 'abs') throw new RangeError(`ReduceLROnPlateau: threshold mode ${JSON.stringify(thresholdMode)} is unknown (expected 'rel' or 'abs')`);
    this.optimizer = optimizer;
    this.mode = mode;
    this.factor = factor;
    this.patience = patience;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.cooldown = cooldown;
    this.minLrs = perGroup(minLr, optimizer, 'minLr', 'ReduceLROnPlateau');
    this.eps = eps;
    this.best = mode === 'min' ? Infinity : -Infinity;
    this._lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  private isBetter(a: number, best: number): boolean {
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - this.threshold) : a < best - this.threshold;
    return this.thresholdMode === 'rel' ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  /** Records this epoch's metric (a number, or a one-element tensor's value) and reduces the lr if it is time. */
  step(metric: number | { item(): number }): void {
    const current = typeof metric === 'number' ? metric : metric.item();
    this.lastEpoch += 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.patience) {
      this.optimizer.paramGroups.forEach((g, i) => {
        const newLr = Math.max(g.lr * this.factor, this.minLrs[i]);
        if (g.lr - newLr > this.eps) g.lr = newLr;
      });
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this._lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  getLastLr(): number[] {
    return this._lastLr.slice();
  }

  stateDict(): Record<string, unknown> {
    return { best: this.best, numBadEpochs: this.numBadEpochs, cooldownCounter: this.cooldownCounter, lastEpoch: this.lastEpoch, _lastLr: this._lastLr.slice() };
  }

  loadStateDict(state: Record<string, unknown>): void {
    this.best = state.best as number;
    this.numBadEpochs = state.numBadEpochs as number;
    this.cooldownCounter = state.cooldownCounter as number;
    this.lastEpoch = state.lastEpoch as number;
    this._lastLr = (state._lastLr as number[]).slice();
  }
}

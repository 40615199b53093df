/** OneCycleLR: the learning rate and momentum schedule of super-convergence. */
import { is, parseArgs, signature, withSignature, type ArgsOf } from '../../core/args.js';
import type { ParamGroup } from '../optimizer.js';
import { LAST, LRScheduler, OPTIMIZER, perGroup, type AnyOptimizer, type SchedulerOptions } from './base.js';

const ONE_CYCLE_LR_SIG = signature('OneCycleLR', 'torch.optim.lr_scheduler.', [['optimizer', OPTIMIZER], ['maxLr', is.numberOrTuple]], [
  ['totalSteps', is.nullable(is.int)], ['epochs', is.nullable(is.int)], ['stepsPerEpoch', is.nullable(is.int)], ['pctStart', is.number],
  ['annealStrategy', is.oneOf('cos', 'linear')], ['cycleMomentum', is.bool], ['baseMomentum', is.numberOrTuple], ['maxMomentum', is.numberOrTuple],
  ['divFactor', is.number], ['finalDivFactor', is.number], ['threePhase', is.bool], ...LAST,
]);

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

/** A stretch of the cycle: lr and momentum anneal between the named group entries until endStep. */
interface Phase {
  endStep: number;
  startLr: string;
  endLr: string;
  startMomentum: string;
  endMomentum: string;
}

function phases(steps: number, pctStart: number, threePhase: boolean): Phase[] {
  if (threePhase) {
    return [
      { endStep: pctStart * steps - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
      { endStep: 2 * pctStart * steps - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
      { endStep: steps - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
    ];
  }
  return [
    { endStep: pctStart * steps - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
    { endStep: steps - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
  ];
}

function countSteps(totalSteps?: number, epochs?: number, stepsPerEpoch?: number): number {
  if (totalSteps !== undefined) {
    if (!Number.isInteger(totalSteps) || totalSteps <= 0) throw new RangeError(`OneCycleLR: expected a positive integer totalSteps, got ${totalSteps}`);
    return totalSteps;
  }
  if (epochs === undefined || stepsPerEpoch === undefined) throw new RangeError('OneCycleLR: you must define either totalSteps or (epochs and stepsPerEpoch)');
  if (!Number.isInteger(epochs) || epochs <= 0) throw new RangeError(`OneCycleLR: expected a positive integer epochs, got ${epochs}`);
  if (!Number.isInteger(stepsPerEpoch) || stepsPerEpoch <= 0) throw new RangeError(`OneCycleLR: expected a positive integer stepsPerEpoch, got ${stepsPerEpoch}`);
  return epochs * stepsPerEpoch;
}

function groupNumber(group: ParamGroup, key: string): number {
  const v = group[key];
  if (typeof v !== 'number') throw new Error(`OneCycleLR: parameter group has no '${key}' (was the optimizer created for another scheduler?)`);
  return v;
}

/** Adam-like optimizers cycle beta1 in place of a momentum. */
function setMomentum(group: ParamGroup, value: number, useBeta1: boolean): void {
  if (useBeta1) group.betas = [value, (group.betas as number[])[1]];
  else group.momentum = value;
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

  constructor(...args: ArgsOf<typeof ONE_CYCLE_LR_SIG>) {
    const { optimizer, maxLr, ...opts } = parseArgs(ONE_CYCLE_LR_SIG, args);
    const {
      totalSteps, epochs, stepsPerEpoch, pctStart = 0.3, annealStrategy = 'cos', cycleMomentum = true,
      baseMomentum = 0.85, maxMomentum = 0.95, divFactor = 25, finalDivFactor = 1e4, threePhase = false, lastEpoch = -1,
    } = opts;
    const steps = countSteps(totalSteps ?? undefined, epochs ?? undefined, stepsPerEpoch ?? undefined);
    if (!(pctStart >= 0 && pctStart <= 1)) throw new RangeError(`OneCycleLR: expected pctStart between 0 and 1, got ${pctStart}`);
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') throw new RangeError(`OneCycleLR: annealStrategy must be 'cos' or 'linear', got ${JSON.stringify(annealStrategy)}`);
    const maxLrs = perGroup(maxLr, optimizer, 'maxLr', 'OneCycleLR');
    // the groups get their bookkeeping before the base constructor reads initialLr from them
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
          setMomentum(g, maxM[i], useBeta1);
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
    this._phases = phases(steps, pctStart, threePhase);
    this.initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'linear') return (end - start) * pct + start;
    return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  }

  /** The phase that step `stepNum` falls in (the last one past its end), and the fraction of it done. */
  private phaseAt(stepNum: number): { phase: Phase; pct: number } {
    let i = 0;
    let startStep = 0;
    while (i < this._phases.length - 1 && stepNum > this._phases[i].endStep) startStep = this._phases[i++].endStep;
    const phase = this._phases[i];
    return { phase, pct: (stepNum - startStep) / (phase.endStep - startStep) };
  }

  protected getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) throw new RangeError(`OneCycleLR: tried to step ${stepNum + 1} times; the specified number of total steps is ${this.totalSteps}`);
    const { phase, pct } = this.phaseAt(stepNum);
    return this.optimizer.paramGroups.map((g) => {
      const lr = this.anneal(groupNumber(g, phase.startLr), groupNumber(g, phase.endLr), pct);
      if (this.cycleMomentum) setMomentum(g, this.anneal(groupNumber(g, phase.startMomentum), groupNumber(g, phase.endMomentum), pct), this._useBeta1);
      return lr;
    });
  }
}

withSignature(OneCycleLR, ONE_CYCLE_LR_SIG);

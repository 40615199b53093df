/** Decays of the initial lr: by gamma every stepSize epochs, at milestones or every epoch, or polynomially to zero. */
import { is, parseArgs, signature, withSignature, type ArgsOf } from '../../core/args.js';
import { LAST, LRScheduler, OPTIMIZER, type AnyOptimizer, type SchedulerOptions } from './base.js';

const STEP_LR_SIG = signature('StepLR', 'torch.optim.lr_scheduler.', [['optimizer', OPTIMIZER], ['stepSize', is.int]], [['gamma', is.number], ...LAST]);
const MULTI_STEP_LR_SIG = signature('MultiStepLR', 'torch.optim.lr_scheduler.', [['optimizer', OPTIMIZER], ['milestones', is.ints]], [['gamma', is.number], ...LAST]);
const EXPONENTIAL_LR_SIG = signature('ExponentialLR', 'torch.optim.lr_scheduler.', [['optimizer', OPTIMIZER], ['gamma', is.number]], [...LAST]);
const POLYNOMIAL_LR_SIG = signature('PolynomialLR', 'torch.optim.lr_scheduler.', [['optimizer', OPTIMIZER]], [['totalIters', is.int], ['power', is.number], ...LAST]);

export interface StepLROptions extends SchedulerOptions {
  gamma?: number;
}

/** lr = initialLr · gamma^⌊epoch/stepSize⌋. */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  constructor(...args: ArgsOf<typeof STEP_LR_SIG>) {
    const { optimizer, stepSize, gamma = 0.1, lastEpoch } = parseArgs(STEP_LR_SIG, args);
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

  constructor(...args: ArgsOf<typeof MULTI_STEP_LR_SIG>) {
    const { optimizer, milestones, gamma = 0.1, lastEpoch } = parseArgs(MULTI_STEP_LR_SIG, args);
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

/** lr = initialLr · gamma^epoch. */
export class ExponentialLR extends LRScheduler {
  readonly gamma: number;

  constructor(...args: ArgsOf<typeof EXPONENTIAL_LR_SIG>) {
    const { optimizer, gamma, lastEpoch } = parseArgs(EXPONENTIAL_LR_SIG, args);
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

  constructor(...args: ArgsOf<typeof POLYNOMIAL_LR_SIG>) {
    const { optimizer, totalIters = 5, power = 1, lastEpoch } = parseArgs(POLYNOMIAL_LR_SIG, args);
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

withSignature(StepLR, STEP_LR_SIG);
withSignature(MultiStepLR, MULTI_STEP_LR_SIG);
withSignature(ExponentialLR, EXPONENTIAL_LR_SIG);
withSignature(PolynomialLR, POLYNOMIAL_LR_SIG);

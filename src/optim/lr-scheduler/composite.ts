/** Schedulers made of schedulers: one after another (SequentialLR) or all at once (ChainedScheduler). */
import { is, parseArgs, signature, withSignature, type ArgsOf } from '../../core/args.js';
import { currentLrs, LAST, LRScheduler, OPTIMIZER, type AnyOptimizer, type SchedulerOptions } from './base.js';

const SEQUENTIAL_LR_SIG = signature('SequentialLR', 'torch.optim.lr_scheduler.', [['optimizer', OPTIMIZER], ['schedulers', is.arrayOf(is.instance(LRScheduler))], ['milestones', is.ints]], [...LAST]);
const CHAINED_SCHEDULER_SIG = signature('ChainedScheduler', 'torch.optim.lr_scheduler.', [['schedulers', is.arrayOf(is.instance(LRScheduler))]], []);

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

  constructor(...args: ArgsOf<typeof SEQUENTIAL_LR_SIG>) {
    const { optimizer, schedulers, milestones, lastEpoch = -1 } = parseArgs(SEQUENTIAL_LR_SIG, args);
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

  constructor(...args: ArgsOf<typeof CHAINED_SCHEDULER_SIG>) {
    const { schedulers } = parseArgs(CHAINED_SCHEDULER_SIG, args);
    checkSameOptimizer(schedulers, schedulers[0]?.optimizer, 'ChainedScheduler');
    this.optimizer = schedulers[0].optimizer;
    this._schedulers = schedulers.slice();
    this._lastLr = currentLrs(this.optimizer);
  }

  step(): void {
    for (const s of this._schedulers) s.step();
    this._lastLr = currentLrs(this.optimizer);
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

withSignature(SequentialLR, SEQUENTIAL_LR_SIG);
withSignature(ChainedScheduler, CHAINED_SCHEDULER_SIG);

/** Cosine annealing (Loshchilov & Hutter 2017): without restarts, and with warm restarts (SGDR). */
import { is, parseArgs, signature, withSignature, type ArgsOf } from '../../core/args.js';
import { LAST, LRScheduler, OPTIMIZER, type AnyOptimizer, type SchedulerOptions } from './base.js';

const COSINE_ANNEALING_LR_SIG = signature('CosineAnnealingLR', 'torch.optim.lr_scheduler.', [['optimizer', OPTIMIZER], ['tMax', is.number]], [['etaMin', is.number], ...LAST]);
const COSINE_ANNEALING_WARM_RESTARTS_SIG = signature('CosineAnnealingWarmRestarts', 'torch.optim.lr_scheduler.', [['optimizer', OPTIMIZER], ['t0', is.int]], [['tMult', is.int], ['etaMin', is.number], ...LAST]);

export interface CosineAnnealingOptions extends SchedulerOptions {
  etaMin?: number;
}

/** lr = etaMin + (initialLr - etaMin)·(1 + cos(π·epoch/tMax))/2 (Loshchilov & Hutter 2017, without restarts). */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(...args: ArgsOf<typeof COSINE_ANNEALING_LR_SIG>) {
    const { optimizer, tMax, etaMin = 0, lastEpoch } = parseArgs(COSINE_ANNEALING_LR_SIG, args);
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

  constructor(...args: ArgsOf<typeof COSINE_ANNEALING_WARM_RESTARTS_SIG>) {
    const { optimizer, t0, tMult = 1, etaMin = 0, lastEpoch = -1 } = parseArgs(COSINE_ANNEALING_WARM_RESTARTS_SIG, args);
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
      this.advanceOneEpoch();
    } else {
      this.jumpTo(epoch);
    }
    this.lastEpoch = Math.floor(epoch);
    this.applyLrs(this.getLr());
  }

  private advanceOneEpoch(): void {
    this.tCur += 1;
    if (this.tCur >= this.tI) {
      this.tCur -= this.tI;
      this.tI *= this.tMult;
    }
  }

  /** Finds the cycle that `epoch` falls in: cycle n starts at t0·(tMult^n - 1)/(tMult - 1) and lasts t0·tMult^n. */
  private jumpTo(epoch: number): void {
    if (epoch < 0) throw new RangeError(`CosineAnnealingWarmRestarts: expected a non-negative epoch, got ${epoch}`);
    if (epoch < this.t0) {
      this.tI = this.t0;
      this.tCur = epoch;
    } else if (this.tMult === 1) {
      this.tCur = epoch % this.t0;
    } else {
      const n = Math.floor(Math.log((epoch / this.t0) * (this.tMult - 1) + 1) / Math.log(this.tMult));
      this.tCur = epoch - (this.t0 * (this.tMult ** n - 1)) / (this.tMult - 1);
      this.tI = this.t0 * this.tMult ** n;
    }
  }
}

withSignature(CosineAnnealingLR, COSINE_ANNEALING_LR_SIG);
withSignature(CosineAnnealingWarmRestarts, COSINE_ANNEALING_WARM_RESTARTS_SIG);

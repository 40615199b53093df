/**
 * What `convkit train` prints while it works: on a terminal a progress bar redrawn in place (per-batch
 * loss, running accuracy, images/s, ETA); otherwise (logs, CI) nothing per batch. Both print one line per epoch.
 */
import type { BatchProgress } from '../train/fit.js';
import type { EpochRecord } from '../train/history.js';
import { duration, num, pct } from './format.js';

export interface Output {
  write(text: string): void;
  isTTY?: boolean;
  columns?: number;
}

export class Progress {
  private lastDraw = 0;
  private drawn = false;

  constructor(private readonly out: Output) {}

  batch(p: BatchProgress): void {
    if (!this.out.isTTY) return;
    const now = performance.now();
    if (now - this.lastDraw < 100 && p.batch < p.batches) return;
    this.lastDraw = now;
    const rate = p.images / p.seconds;
    const eta = ((p.batches - p.batch) * p.seconds) / p.batch;
    const text = `${p.batch}/${p.batches}  loss ${num(p.loss)}  acc ${pct(p.accuracy)}  ${rate.toFixed(0)} img/s  ETA ${duration(eta)}`;
    const head = `epoch ${p.epoch}/${p.epochs} `;
    // the bar gives way first on a narrow terminal
    const width = Math.max(0, Math.min(24, (this.out.columns || 120) - 2 - head.length - text.length));
    const filled = Math.round((width * p.batch) / p.batches);
    const bar = width > 0 ? `${'█'.repeat(filled)}${'░'.repeat(width - filled)} ` : '';
    this.out.write(`\r${`${head}${bar}${text}`.slice(0, (this.out.columns || 120) - 1)}\x1b[K`);
    this.drawn = true;
  }

  epoch(r: EpochRecord, epochs: number): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
    const val = r.valLoss === null ? '' : `  val loss ${num(r.valLoss)} acc ${pct(r.valAccuracy)}`;
    this.out.write(`epoch ${r.epoch}/${epochs}  train loss ${num(r.trainLoss)} acc ${pct(r.trainAccuracy)}${val}  lr ${r.lr.toPrecision(3)}  ${r.seconds.toFixed(1)} s  ${r.imagesPerSecond.toFixed(0)} img/s\n`);
  }

  /** Clears a half-drawn bar before other output. */
  clear(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
  }
}

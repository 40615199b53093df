/** Timing protocol shared by every JavaScript framework's cell: warm up, then repeat within a time budget, report the median. */
export interface Timing {
  /** median milliseconds of one run */
  ms: number;
  samples: number;
}

export interface MeasureOptions {
  /** stop sampling after this much time (the last sample always finishes) */
  budgetMs?: number;
  maxSamples?: number;
  minSamples?: number;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** A timed step; `before` runs untimed ahead of each one (the forward pass whose backward is timed). */
export interface Step<T = unknown> {
  before?: () => T;
  run: (ctx: T) => unknown;
}

/**
 * Samples at most. Enough that a fast step's median is steady; a slow step stops at the budget first.
 * (15 timed LeNet-5's steps 11 to 25: still the JIT's warm-up, not the training users run.)
 */
export const MAX_SAMPLES = 200;

export async function measure<T>(step: Step<T>, opts: MeasureOptions = {}): Promise<Timing> {
  const { budgetMs = 8000, maxSamples = MAX_SAMPLES, minSamples = 3 } = opts;
  const once = async (): Promise<number> => {
    const ctx = step.before?.() as T;
    const t0 = performance.now();
    await step.run(ctx);
    return performance.now() - t0;
  };
  // warm-up for a quarter of the budget (at least one run): compiles, tiers up the JIT, starts thread pools. By
  // time, not by count: a 10 ms LeNet-5 step reaches its steady speed after about 100 steps, not 10, and while
  // V8 still optimises, its compiler threads take the second core from a framework's worker threads
  const warmStart = performance.now();
  do await once(); while (performance.now() - warmStart < budgetMs / 4);
  const times: number[] = [];
  const start = performance.now();
  while (times.length < maxSamples && (times.length < minSamples || performance.now() - start < budgetMs)) {
    times.push(await once());
    if (times.length >= 1 && performance.now() - start > 3 * budgetMs) break; // very slow peers: what we have
  }
  return { ms: median(times), samples: times.length };
}

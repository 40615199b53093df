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

/** Warm-up runs at most (a fast step of a JIT-compiled framework needs several before its code is optimised). */
export const WARM_RUNS = 10;

export async function measure<T>(step: Step<T>, opts: MeasureOptions = {}): Promise<Timing> {
  const { budgetMs = 8000, maxSamples = 15, minSamples = 3 } = opts;
  const once = async (): Promise<number> => {
    const ctx = step.before?.() as T;
    const t0 = performance.now();
    await step.run(ctx);
    return performance.now() - t0;
  };
  // warm-up: compiles, tiers up the JIT, starts thread pools; up to WARM_RUNS runs within a quarter of the budget
  const warmStart = performance.now();
  for (let i = 0; i < WARM_RUNS && (i === 0 || performance.now() - warmStart < budgetMs / 4); i++) await once();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < maxSamples && (times.length < minSamples || performance.now() - start < budgetMs)) {
    times.push(await once());
    if (times.length >= 1 && performance.now() - start > 3 * budgetMs) break; // very slow peers: what we have
  }
  return { ms: median(times), samples: times.length };
}

/**
 * One cell of the benchmark in its own process (so memory and JIT state never leak between frameworks):
 *   node --import tsx bench/cell.ts FRAMEWORK WORKLOAD THREADS [BUDGET_MS]
 * prints {"ms", "samples", "rssMB"} or {"skip": reason} as one JSON line.
 */
import { measure } from './measure.js';
import { convkit } from './frameworks/convkit.js';
import { convnetjs } from './frameworks/convnetjs.js';
import { onnxruntime } from './frameworks/onnxruntime.js';
import { tfjs } from './frameworks/tfjs.js';
import type { Framework } from './frameworks/types.js';

const FRAMEWORKS: Record<string, () => Framework | Promise<Framework>> = {
  // CONVKIT_FRAMEWORK: another checkout's bench/frameworks/convkit.ts (its library), timed by this protocol
  convkit: async () => (process.env.CONVKIT_FRAMEWORK ? (await import(process.env.CONVKIT_FRAMEWORK)).convkit : convkit),
  'tfjs-wasm': () => tfjs('wasm'),
  'tfjs-cpu': () => tfjs('cpu'),
  onnxruntime: () => onnxruntime,
  convnetjs: () => convnetjs,
};

const [name, workload, threads, budget] = process.argv.slice(2);
let result: object;
try {
  const make = FRAMEWORKS[name];
  if (!make) throw new Error(`unknown framework ${name}, expected one of ${Object.keys(FRAMEWORKS).join(', ')}`);
  const step = await (await make()).prepare(workload, Number(threads));
  if (typeof step === 'string') result = { skip: step };
  else {
    const t = await measure(step, { budgetMs: Number(budget ?? 8000) });
    result = { ...t, rssMB: process.resourceUsage().maxRSS / 1024 };
  }
} catch (e) {
  result = { skip: `failed: ${(e as Error).message.split('\n')[0]}` };
}
console.log(JSON.stringify(result));
process.exit(0); // peers keep handles (thread pools, sessions) open

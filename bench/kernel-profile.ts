/**
 * Where a LeNet-5 (ReLU/max, Adam, batch 64) training step's time goes on one backend: every kernel of the
 * backend's table wrapped with a timer and a counter, and the step's wall time; the difference is the op layer
 * (argument checks, autograd, allocation) that every backend shares.
 *   node --import tsx bench/kernel-profile.ts [--backend native] [--steps 50]
 * Never part of the test suite.
 */
import * as ck from '../src/node.js';
import { findBackend } from '../src/backends/registry.js';

const arg = (name: string, fallback: string): string => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const backend = arg('--backend', 'native');
const steps = Number(arg('--steps', '50'));
await ck.ready(backend);
ck.setNumThreads(Number(arg('--threads', '1')));
ck.setBackend(backend);

const table = findBackend(backend).kernels as unknown as Record<string, (...a: unknown[]) => unknown>;
const stats = new Map<string, { calls: number; ms: number }>();
let timing = false;
for (const [name, fn] of Object.entries(table)) {
  if (typeof fn !== 'function') continue;
  table[name] = (...a: unknown[]) => {
    if (!timing) return fn(...a);
    // the first argument names the variant of unary/binary/reduce kernels
    const key = typeof a[0] === 'string' ? `${name}:${a[0]}` : name;
    const t0 = performance.now();
    const out = fn(...a);
    const s = stats.get(key) ?? { calls: 0, ms: 0 };
    s.calls++;
    s.ms += performance.now() - t0;
    stats.set(key, s);
    return out;
  };
}

ck.manualSeed(0);
const model = ck.models.lenet5({ activation: 'relu', pool: 'max' });
const opt = new ck.optim.Adam(model.parameters(), { lr: 0.002 });
const x = ck.randn([64, 1, 32, 32]);
const y = ck.randint(0, 10, [64]);
const step = (): void => {
  opt.zeroGrad();
  const loss = ck.nn.functional.crossEntropy(model.forward(x) as ck.Tensor, y);
  loss.backward();
  opt.step();
  loss.item();
};
for (let i = 0; i < 20; i++) step();
timing = true;
const t0 = performance.now();
for (let i = 0; i < steps; i++) step();
const wall = (performance.now() - t0) / steps;
const rows = [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms);
const inKernels = rows.reduce((s, [, v]) => s + v.ms, 0) / steps;
console.log(`${backend}, ${ck.getNumThreads()} thread(s): ${wall.toFixed(2)} ms per step, ${inKernels.toFixed(2)} ms in kernels, ${(wall - inKernels).toFixed(2)} ms outside`);
for (const [k, v] of rows) console.log(`${k.padEnd(28)} ${(v.calls / steps).toFixed(0).padStart(4)} calls ${(v.ms / steps).toFixed(3).padStart(8)} ms`);

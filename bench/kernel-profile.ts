/**
 * Where a LeNet-5 (ReLU/max, Adam, batch 64) or ResNet-18 (16×3×64×64, SGD) training step's time goes on one backend: every kernel of the
 * backend's table wrapped with a CPU-time clock and a counter, and the step's CPU time; the difference is the op
 * layer (argument checks, autograd, allocation) that every backend shares. CPU time, not wall time, so that the
 * figures hold on a machine loaded by other work (with 2 threads it sums both).
 *   node --import tsx bench/kernel-profile.ts [--backend native] [--threads 1] [--steps 50] [--fallback kernel,...] [--model lenet5|resnet18]
 * Never part of the test suite.
 */
import * as ck from '../src/node.js';
import { findBackend } from '../src/backends/registry.js';
import { onDevice } from '../src/backends/host-device.js';

const arg = (name: string, fallback: string): string => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const backend = arg('--backend', 'native');
const steps = Number(arg('--steps', '50'));
await ck.ready(backend);
ck.setNumThreads(Number(arg('--threads', '1')));
ck.setBackend(backend);

const table = findBackend(backend).kernels as unknown as Record<string, (...a: unknown[]) => unknown>;
// --fallback a,b: those kernels as the wasm backend runs them (or, where it has none, the ops' default): an A/B
// of a backend's fast paths against what it would run without them
await ck.ready('wasm');
const wasm = findBackend('wasm').kernels as unknown as Record<string, (...a: unknown[]) => unknown>;
const fallback = onDevice(wasm, backend);
for (const name of arg('--fallback', '').split(',').filter(Boolean)) {
  if (wasm[name]) table[name] = fallback[name];
  else delete table[name];
}
const stats = new Map<string, { calls: number; ms: number }>();
let timing = false;
/** The process's CPU time in ms (all threads): unlike wall time, it does not grow with other processes' load. */
const clock = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
for (const [name, fn] of Object.entries(table)) {
  if (typeof fn !== 'function') continue;
  table[name] = (...a: unknown[]) => {
    if (!timing) return fn(...a);
    // the first argument names the variant of unary/binary/reduce kernels
    const key = typeof a[0] === 'string' ? `${name}:${a[0]}` : name;
    const t0 = clock();
    const out = fn(...a);
    const s = stats.get(key) ?? { calls: 0, ms: 0 };
    s.calls++;
    s.ms += clock() - t0;
    stats.set(key, s);
    return out;
  };
}

ck.manualSeed(0);
// LeNet-5 as bench/lenet-train.ts trains it, or ResNet-18's training step of bench/frameworks/convkit.ts
const resnet = arg('--model', 'lenet5') === 'resnet18';
const model = resnet ? ck.fuse(ck.models.resnet18({ numClasses: 10 })) : ck.models.lenet5({ activation: 'relu', pool: 'max' });
const opt = resnet ? new ck.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 }) : new ck.optim.Adam(model.parameters(), { lr: 0.002 });
const x = resnet ? ck.randn([16, 3, 64, 64]) : ck.randn([64, 1, 32, 32]);
const y = ck.randint(0, 10, [resnet ? 16 : 64]);
const step = (): void => {
  opt.zeroGrad();
  const loss = ck.nn.functional.crossEntropy(model.forward(x) as ck.Tensor, y);
  loss.backward();
  opt.step();
  loss.item();
};
for (let i = 0; i < (resnet ? 3 : 20); i++) step();
timing = true;
const t0 = clock();
for (let i = 0; i < steps; i++) step();
const wall = (clock() - t0) / steps;
const rows = [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms);
const inKernels = rows.reduce((s, [, v]) => s + v.ms, 0) / steps;
console.log(`${resnet ? 'ResNet-18' : 'LeNet-5'} on ${backend}, ${ck.getNumThreads()} thread(s), CPU time: ${wall.toFixed(2)} ms per step, ${inKernels.toFixed(2)} ms in kernels, ${(wall - inKernels).toFixed(2)} ms outside`);
for (const [k, v] of rows) console.log(`${k.padEnd(28)} ${(v.calls / steps).toFixed(0).padStart(4)} calls ${(v.ms / steps).toFixed(3).padStart(8)} ms`);

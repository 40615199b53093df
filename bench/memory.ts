/**
 * Resident memory over long runs: LeNet-5 training steps (batch 64, Adam, Fashion-MNIST's built-in slice, as
 * `convkit train` runs them) and ResNet-18 inferences (batch 1, 224x224). After a warm-up, RSS, the JS heap and
 * ArrayBuffer memory are sampled every `--every` steps and the slope fitted by least squares, in MB per 1,000
 * steps, with the WebAssembly memory's size beside them. RSS gets two more slopes that V8's young generation does
 * not move (it is released and committed again in steps of up to 32 MB): the median of the slopes between every
 * two samples, and the least-squares slope of RSS less the JS heap's committed size. Never part of the test suite (it runs for minutes).
 * Each step runs in a ck.scope as fit's and evaluate's do (results resident in WebAssembly memory, freed at the
 * scope's end); `--no-scope` runs a hand-written loop without one (results are typed arrays the collector frees).
 *   node --expose-gc --import tsx bench/memory.ts [--workload lenet|resnet18] [--steps 10000] [--warmup 1000] [--every 500] [--no-scope] [--detail]
 * Compare with glibc's malloc thresholds fixed (see docs/reliability.md, "Long runs: memory"):
 *   MALLOC_MMAP_THRESHOLD_=131072 MALLOC_TRIM_THRESHOLD_=131072 MALLOC_ARENA_MAX=2 node --expose-gc --import tsx bench/memory.ts
 */
import * as ck from '../src/node.js';
import { findBackend } from '../src/backends/registry.js';
import type { WasmBackend } from '../src/backends/wasm/index.js';
import { existsSync, readFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

const arg = (name: string, fallback: string): string => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const workload = arg('--workload', 'lenet');
const steps = Number(arg('--steps', workload === 'lenet' ? '10000' : '5000'));
const warmup = Number(arg('--warmup', workload === 'lenet' ? '1000' : '200'));
const every = Number(arg('--every', workload === 'lenet' ? '500' : '100'));
/** `--no-scope`: a hand-written loop without ck.scope (results stay typed arrays, freed by the collector). */
const scoped = !process.argv.includes('--no-scope');
/** `--detail`: each sample also splits RSS by mapping (Linux's /proc/self/smaps), with V8's code space and young generation. */
const detail = process.argv.includes('--detail');
if (detail && !existsSync('/proc/self/smaps')) throw new Error('bench/memory.ts: --detail reads /proc/self/smaps, which this system does not have (Linux only)');
await ck.ready();
const MB = 2 ** 20;
const gc = (globalThis as { gc?: () => void }).gc;

function lenetStep(): () => void {
  const T = ck.data.transforms;
  const data = ck.data.loadFashionMNIST({ root: ck.data.BUILTIN_FASHION_MNIST, transform: new T.Compose([new T.Pad(2), new T.ToTensor(), new T.Normalize([0.286], [0.353])]) });
  const batches = [...new ck.data.DataLoader(data, { batchSize: 64, shuffle: true, generator: new ck.Generator(0) })];
  ck.manualSeed(0);
  const model = ck.models.lenet5({ activation: 'relu', pool: 'max' });
  const optimizer = new ck.optim.Adam(model.parameters(), { lr: 0.002 });
  let i = 0;
  const train = (): ck.Tensor => {
    const [x, y] = batches[i++ % batches.length];
    // fit's step: the previous gradients are freed at once (set to none), the step's temporaries by its scope
    const stale = model.parameters().map((p) => p.grad);
    optimizer.zeroGrad();
    for (const g of stale) g?.dispose();
    const loss = ck.nn.functional.crossEntropy(model.forward(x) as ck.Tensor, y);
    loss.backward();
    optimizer.step();
    return loss;
  };
  return async () => {
    const loss = scoped ? ck.scope(() => ck.keep(train())) : train();
    if (i % 50 === 0) await loss.data(); // a log interval's read, as fit does
    loss.dispose();
  };
}

function resnetStep(): () => void {
  ck.manualSeed(0);
  const model = ck.models.resnet18();
  model.eval();
  const x = ck.randn([1, 3, 224, 224]);
  const infer = (): void => ck.noGrad(() => void (model.forward(x) as ck.Tensor).dataSync());
  return async () => (scoped ? ck.scope(infer) : infer());
}

/**
 * Resident MB per kind of mapping: glibc's main arena ([heap]), anonymous mappings (other arenas, large malloc
 * blocks, V8's heap and code, WebAssembly memory, thread stacks) and file-backed ones (node, shared libraries).
 */
function rssByMapping(): Record<string, number> {
  const kb: Record<string, number> = { heap: 0, anonymous: 0, file: 0 };
  let kind = 'file';
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (head) kind = head[1] === '[heap]' ? 'heap' : head[1] === '' || head[1].startsWith('[anon') ? 'anonymous' : 'file';
    else if (line.startsWith('Rss:')) kb[kind] += Number(line.split(/\s+/)[1]);
  }
  return Object.fromEntries(Object.entries(kb).map(([k, v]) => [k, +(v / 1024).toFixed(1)]));
}

function detailLine(): string {
  const spaces = getHeapSpaceStatistics();
  const code = spaces.find((s) => s.space_name === 'code_space')?.space_used_size ?? 0;
  const young = spaces.find((s) => s.space_name === 'new_space')?.space_size ?? 0;
  const m = process.memoryUsage();
  const map = rssByMapping();
  return `  rss by mapping: [heap] ${map.heap} MB, anonymous ${map.anonymous} MB, files ${map.file} MB; external ${(m.external / MB).toFixed(1)} MB, V8 code space ${(code / MB).toFixed(2)} MB, V8 young generation ${(young / MB).toFixed(1)} MB committed\n`;
}

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const sxy = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

/**
 * Theil-Sen slope: the median of the slopes between every two samples. V8 releases its young generation (up to
 * 32 MB committed) in a full collection that follows a slow stretch and commits it again over the next hundreds
 * of steps: a few samples in such a dip pull a least-squares line far off, the median of pairs not.
 */
function medianSlope(points: [number, number][]): number {
  const slopes: number[] = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) slopes.push((points[j][1] - points[i][1]) / (points[j][0] - points[i][0]));
  }
  slopes.sort((a, b) => a - b);
  const mid = slopes.length >> 1;
  return slopes.length === 0 ? 0 : slopes.length % 2 ? slopes[mid] : (slopes[mid - 1] + slopes[mid]) / 2;
}

const step = workload === 'lenet' ? lenetStep() : resnetStep();
const wasm = findBackend('wasm') as WasmBackend;
type Sampled = 'rss' | 'heap' | 'heapTotal' | 'buffers' | 'wasm';
const samples: ({ step: number; seconds: number } & Record<Sampled, number>)[] = [];
const started = performance.now();
for (let s = 1; s <= warmup + steps; s++) {
  await step();
  if (s >= warmup && (s - warmup) % every === 0) {
    gc?.();
    const m = process.memoryUsage();
    samples.push({ step: s - warmup, rss: m.rss / MB, heap: m.heapUsed / MB, heapTotal: m.heapTotal / MB, buffers: m.arrayBuffers / MB, wasm: wasm.memoryBytes() / MB, seconds: (performance.now() - started) / 1000 });
    const last = samples[samples.length - 1];
    process.stderr.write(`${workload} step ${last.step}: rss ${last.rss.toFixed(1)} MB, heap ${last.heap.toFixed(1)} MB (of ${last.heapTotal.toFixed(1)} MB committed), array buffers ${last.buffers.toFixed(1)} MB, wasm memory ${last.wasm.toFixed(1)} MB (${last.seconds.toFixed(0)} s)\n`);
    if (detail) process.stderr.write(detailLine());
  }
}
const points = (key: Sampled): [number, number][] => samples.map((p) => [p.step, p[key]]);
const per1000 = (key: Sampled): number => 1000 * slope(points(key));
console.log(JSON.stringify({
  workload, steps, warmup, every, scoped, threads: ck.getNumThreads(), gcExposed: Boolean(gc),
  mbPer1000Steps: { rss: +per1000('rss').toFixed(3), rssMedianOfPairs: +(1000 * medianSlope(points('rss'))).toFixed(3), rssLessHeapCommitted: +(1000 * slope(samples.map((p) => [p.step, p.rss - p.heapTotal]))).toFixed(3), heap: +per1000('heap').toFixed(3), heapCommitted: +per1000('heapTotal').toFixed(3), arrayBuffers: +per1000('buffers').toFixed(3), wasmMemory: +per1000('wasm').toFixed(3) },
  rss: { first: +samples[0].rss.toFixed(1), last: +samples[samples.length - 1].rss.toFixed(1) },
  wasmMemoryMB: { first: +samples[0].wasm.toFixed(1), last: +samples[samples.length - 1].wasm.toFixed(1) },
  env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('MALLOC_'))),
  seconds: +((performance.now() - started) / 1000).toFixed(1),
  cpuSeconds: +((process.cpuUsage().user + process.cpuUsage().system) / 1e6).toFixed(1),
}));

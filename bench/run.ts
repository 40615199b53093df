/**
 * The benchmark: every workload on every framework in turn, on 1 thread and on all cores, in one run.
 *   npm run bench [-- --only gemm,conv3x3 --frameworks convkit,tfjs-wasm --rounds 3 --budget 4000 --out runs/bench.json]
 * `--frameworks convkit,convkit-base` with CONVKIT_BASE=/path/to/another/checkout puts that checkout's convkit
 * (its own workloads in bench/frameworks/convkit.ts and its src/, timed by this checkout's bench/measure.ts) beside
 * this one, cell by cell in the same rounds: a before/after ratio in one run.
 * Prints a Markdown table of medians with convkit's speed-up over each peer, and writes every number as JSON.
 * `--budget` is each cell's sampling time in ms per round; cells run in their own processes.
 * Peers come from bench/setup.sh (npm packages in bench/peers, ONNX exports); PyTorch is Debian's python3-torch.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './measure.js';
import { wasmPeak } from './peak/wasm.js';
import { WORKLOADS, type Workload } from './workloads.js';

interface CellResult {
  ms?: number;
  samples?: number;
  rssMB?: number;
  skip?: string;
}

const root = fileURLToPath(new URL('../', import.meta.url));
// `--device webgpu`: the GPU benchmark (bench/webgpu.ts) instead of the CPU one; `--device native` adds rows below
if (process.argv.includes('--device')) {
  const device = process.argv[process.argv.indexOf('--device') + 1];
  if (!['webgpu', 'native', 'wasm', 'wasm,native', 'native,wasm'].includes(device)) throw new Error(`bench: --device must be webgpu, native or wasm, got ${device}`);
  if (device === 'webgpu') {
    (await import('./webgpu.js')).main();
    process.exit(0);
  }
}
const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const cores = availableParallelism();
const budget = arg('budget', '4000');
const roundCount = Number(arg('rounds', '3'));
const only = arg('only', WORKLOADS.map((w) => w.id).join(',')).split(',');
const threadCounts = [...new Set([1, cores])];

/**
 * The relaxed-SIMD peak (the physical-limit column, not a convkit row) needs V8's flag at start-up, so it is
 * measured in a child Node; Node 20 needs the flag, newer Node has relaxed SIMD on and may reject it.
 */
const relaxedFlag = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '-e', '0']).status === 0 ? ['--experimental-wasm-relaxed-simd'] : [];

interface Runner {
  label: string;
  /** The command line, its environment, and the directory it runs in (this checkout by default). */
  cmd: (w: string, threads: number) => [string, string[], NodeJS.ProcessEnv?, string?];
}

const node = (flags: string[], framework: string) => (w: string, t: number): [string, string[]] =>
  [process.execPath, [...flags, '--import', 'tsx', 'bench/cell.ts', framework, w, String(t), budget]];

const RUNNERS: Record<string, Runner> = {
  // plain `node`, as users run it: convkit turns relaxed SIMD on by itself where the engine has it
  convkit: { label: 'convkit', cmd: node([], 'convkit') },
  // the oneDNN backend (npm run build:native)
  'convkit-native': {
    label: 'convkit native',
    cmd: (w, t) => [...node([], 'convkit')(w, t), { ...process.env, CONVKIT_BACKEND: 'native' }],
  },
  // another checkout (CONVKIT_BASE: a git worktree of an older commit, its node_modules linked): its workloads and
  // library, timed by this checkout's cell so that both sides share one protocol
  'convkit-base': {
    label: 'convkit base',
    cmd: (w, t) => {
      const base = process.env.CONVKIT_BASE;
      if (!base) throw new Error('bench: convkit-base needs CONVKIT_BASE=/path/to/a/checkout (e.g. git worktree add --detach ../base <commit>)');
      return [...node([], 'convkit')(w, t), { ...process.env, CONVKIT_FRAMEWORK: `${base}/bench/frameworks/convkit.ts` }];
    },
  },
  'tfjs-wasm': { label: 'tfjs-wasm', cmd: node([], 'tfjs-wasm') },
  'tfjs-cpu': { label: 'tfjs-cpu', cmd: node([], 'tfjs-cpu') },
  onnxruntime: { label: 'onnxruntime-node', cmd: node([], 'onnxruntime') },
  pytorch: {
    label: 'PyTorch',
    // OpenBLAS's own pool would fight torch's threads over the cores
    cmd: (w, t) => ['/usr/bin/python3', ['bench/frameworks/pytorch.py', w, String(t)], { ...process.env, OPENBLAS_NUM_THREADS: '1' }],
  },
  convnetjs: { label: 'ConvNetJS', cmd: node([], 'convnetjs') },
};
/** `--device native` puts the native backend's rows beside the default (wasm) ones. */
const devices = arg('device', 'wasm').split(',');
const defaultFrameworks = Object.keys(RUNNERS).filter((f) => (f !== 'convkit-native' || devices.includes('native')) && (f !== 'convkit-base' || process.env.CONVKIT_BASE));
const frameworks = arg('frameworks', defaultFrameworks.join(',')).split(',');
/** The convkit row the ratios are taken against: the first convkit runner listed. */
const ours = frameworks.find((f) => f.startsWith('convkit')) ?? 'convkit';

/** Cells that take minutes: the neighbouring figures of the same framework already tell the story. */
const SKIP: Record<string, string> = {
  'tfjs-cpu/resnet18-b8': 'skipped: ~30 s per run (see batch 1)',
  'tfjs-cpu/conv3x3-bwd': 'skipped: ~270 s per run (measured once)',
};
const CELL_TIMEOUT_MS = 300_000;

function runCell(fw: string, w: Workload, threads: number): CellResult {
  if (SKIP[`${fw}/${w.id}`]) return { skip: SKIP[`${fw}/${w.id}`] };
  const [cmd, args, env, cwd] = RUNNERS[fw].cmd(w.id, threads);
  const r = spawnSync(cmd, args, { cwd: cwd ?? root, env: env ?? process.env, encoding: 'utf8', timeout: CELL_TIMEOUT_MS });
  if (r.signal) return { skip: `stopped after ${CELL_TIMEOUT_MS / 1000} s` };
  const line = r.stdout?.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as CellResult;
  } catch {
    return { skip: `failed: ${(r.stderr || r.error?.message || 'no output').trim().split('\n').pop()}` };
  }
}

/** One cell over rounds: the median time, every round's time, the largest peak RSS; a skip stays a skip. */
function combine(rs: CellResult[]): CellResult & { rounds?: number[] } {
  const timed = rs.filter((r) => r.ms !== undefined);
  if (timed.length === 0) return rs[0];
  const times = timed.map((r) => r.ms as number);
  return { ms: median(times), rounds: times, samples: timed.reduce((n, r) => n + (r.samples ?? 0), 0), rssMB: Math.max(...timed.map((r) => r.rssMB ?? 0)) };
}

/** The workload's figure in its unit from a median time. */
function inUnit(w: Workload, ms: number): number {
  if (w.unit === 'GFLOP/s') return w.flops / ms / 1e6;
  if (w.unit === 'img/s') return ((w.images ?? 0) * 1000) / ms;
  return ms;
}

const fmt = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

function nativePeak(threads: number): number | null {
  try {
    execFileSync('cc', ['-O3', '-march=native', '-pthread', 'bench/peak/fma.c', '-o', 'runs/fma'], { cwd: root, stdio: 'pipe' });
    return Number(execFileSync(`${root}runs/fma`, [String(threads)], { encoding: 'utf8' }));
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  mkdirSync(`${root}runs`, { recursive: true });
  const peaks = { native: {} as Record<number, number | null>, wasmRelaxed: {} as Record<number, number | null>, wasmSimd: {} as Record<number, number | null> };
  for (const t of threadCounts) {
    peaks.native[t] = nativePeak(t);
    peaks.wasmSimd[t] = await wasmPeak(false, t);
    peaks.wasmRelaxed[t] = await peakInChild(t);
  }
  // Every round measures each cell once, frameworks of one workload and thread count back to back, so a change
  // in the machine's load hits all of them alike; a cell's figure is the median over rounds.
  const rounds: Record<string, CellResult[]> = {};
  const selected = WORKLOADS.filter((x) => only.includes(x.id));
  for (let round = 0; round < roundCount; round++) {
    for (const w of selected) {
      for (const t of threadCounts) {
        for (const fw of frameworks) {
          const key = `${w.id}/${fw}/${t}`;
          if (round > 0 && rounds[key][0].ms === undefined) continue; // a skip is not going to change
          const r = runCell(fw, w, t);
          (rounds[key] ??= []).push(r);
          process.stderr.write(`[${round + 1}/${roundCount}] ${w.id} ${fw} ${t}: ${r.ms !== undefined ? `${fmt(inUnit(w, r.ms))} ${w.unit}` : r.skip}\n`);
        }
      }
    }
  }
  const results: Record<string, Record<string, Record<number, CellResult>>> = {};
  for (const w of selected) {
    results[w.id] = {};
    for (const fw of frameworks) {
      results[w.id][fw] = {};
      for (const t of threadCounts) results[w.id][fw][t] = combine(rounds[`${w.id}/${fw}/${t}`]);
    }
  }
  const table = render(results, peaks);
  console.log(table);
  const out = arg('out', `${root}runs/bench.json`);
  mkdirSync(dirname(out), { recursive: true });
  const machine = { node: process.version, cpu: cpus()[0]?.model, cores, loadAverage: loadavg() };
  writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), machine, rounds: roundCount, budgetMs: Number(budget), peaks, workloads: WORKLOADS, results }, null, 1));
  console.log(`\nJSON: ${out}`);
}


async function peakInChild(threads: number): Promise<number | null> {
  const script = `import { wasmPeak } from './bench/peak/wasm.ts'; console.log(await wasmPeak(true, ${threads}));`;
  const r = spawnSync(process.execPath, [...relaxedFlag, '--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  const v = Number(r.stdout.trim());
  return Number.isFinite(v) && v > 0 ? v : null;
}

function render(results: Record<string, Record<string, Record<number, CellResult>>>, peaks: { native: Record<number, number | null>; wasmRelaxed: Record<number, number | null>; wasmSimd: Record<number, number | null> }): string {
  const lines = [
    `| workload | threads | ${frameworks.map((f) => RUNNERS[f].label).join(' | ')} | physical limit |`,
    `|---|---|${frameworks.map(() => '---|').join('')}---|`,
  ];
  for (const w of WORKLOADS.filter((x) => results[x.id])) {
    for (const t of threadCounts) {
      const mine = results[w.id][ours]?.[t]?.ms;
      const cells = frameworks.map((fw) => {
        const r = results[w.id][fw][t];
        if (r?.ms === undefined) return '–';
        const value = `${fmt(inUnit(w, r.ms))} ${w.unit}`;
        // convkit's speed-up over this peer: above 1 convkit is faster
        return fw === ours || mine === undefined ? value : `${value} (${fmt(r.ms / mine)}×)`;
      });
      const peak = peaks.native[t];
      const limitMs = peak ? w.flops / peak / 1e6 : null;
      const limit = limitMs === null ? '–' : `${fmt(inUnit(w, limitMs))} ${w.unit}${mine ? ` (convkit at ${((100 * limitMs) / mine).toFixed(0)}%)` : ''}`;
      lines.push(`| ${w.title} | ${t} | ${cells.join(' | ')} | ${limit} |`);
    }
  }
  lines.push('', `Cells: median over ${roundCount} rounds; in brackets ${RUNNERS[ours].label}'s speed-up over that framework (time ratio, above 1 it is faster).`);
  lines.push(`Load average at the end of the run: ${loadavg().map((l) => l.toFixed(1)).join(', ')} (${cores} cores).`);
  for (const t of threadCounts) {
    const p = (v: number | null | undefined): string => (v ? `${fmt(v)} GFLOP/s` : 'n/a');
    lines.push(`Peaks on ${t} thread(s): native AVX-512 FMA ${p(peaks.native[t])}; WebAssembly relaxed-SIMD FMA ${p(peaks.wasmRelaxed[t])}; WebAssembly SIMD mul+add ${p(peaks.wasmSimd[t])}.`);
  }
  const rss = (fw: string): string => {
    const v = results['resnet18-b1']?.[fw]?.[1]?.rssMB;
    return v ? `${v.toFixed(0)} MB` : 'n/a';
  };
  if (results['resnet18-b1']) lines.push(`Peak RSS, ResNet-18 inference batch 1 (1 thread): convkit ${rss('convkit')}, onnxruntime-node ${rss('onnxruntime')}, PyTorch ${rss('pytorch')}.`);
  return lines.join('\n');
}

await main();

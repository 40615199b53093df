/**
 * The GPU benchmark (issue 12): convkit's webgpu backend against TensorFlow.js's webgpu backend, onnxruntime-web's
 * WebGPU execution provider and PyTorch CUDA on the same GPU, one process per framework and workload.
 *   npm run bench -- --device webgpu [--size full|small] [--frameworks convkit,tfjs-webgpu,ort-webgpu,pytorch-cuda] [--budget 4000] [--only gemm,conv,...] [--out runs/webgpu.json]
 * `--size small` shrinks every workload for software adapters (SwiftShader): there it reports correctness against
 * the wasm backend, submissions, dispatches and bytes moved per step rather than speed.
 * Peers: bench/setup.sh installs @tensorflow/tfjs-backend-webgpu and onnxruntime-web into bench/peers (in Node both
 * run on the `webgpu` package's navigator.gpu, which convkit has as an optional dependency); PyTorch CUDA where torch
 * sees a GPU. bench/gpu-run.sh runs all of it, with the webgpu tests, on a GPU machine.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const root = fileURLToPath(new URL('../', import.meta.url));

export interface GpuWorkload {
  id: string;
  title: string;
  /** Multiply-adds counted as 2 flops, for GFLOP/s against the GPU's peak. */
  flops: number;
  kind: 'gemm' | 'conv' | 'conv-bwd' | 'resnet' | 'resnet-train';
  dims: number[];
}

const conv = (n: number, c: number, o: number, side: number): number => 2 * n * o * side * side * c * 9;
const resnet = (batch: number, side: number): number => 3.64e9 * batch * (side / 224) ** 2;

export const GPU_WORKLOADS: Record<'full' | 'small', GpuWorkload[]> = {
  full: [
    { id: 'gemm', title: 'GEMM 4096²', flops: 2 * 4096 ** 3, kind: 'gemm', dims: [4096] },
    { id: 'conv', title: 'conv2d fwd [32,64,56,56]×[64,64,3,3] pad 1', flops: conv(32, 64, 64, 56), kind: 'conv', dims: [32, 64, 56] },
    { id: 'conv-bwd', title: 'conv2d bwd (dx + dw) of the same', flops: 2 * conv(32, 64, 64, 56), kind: 'conv-bwd', dims: [32, 64, 56] },
    { id: 'resnet18-b1', title: 'ResNet-18 inference 1×3×224×224', flops: resnet(1, 224), kind: 'resnet', dims: [1, 224] },
    { id: 'resnet18-b32', title: 'ResNet-18 inference 32×3×224×224', flops: resnet(32, 224), kind: 'resnet', dims: [32, 224] },
    { id: 'resnet18-train', title: 'ResNet-18 training step 64×3×224×224', flops: 3 * resnet(64, 224), kind: 'resnet-train', dims: [64, 224] },
  ],
  small: [
    { id: 'gemm', title: 'GEMM 256²', flops: 2 * 256 ** 3, kind: 'gemm', dims: [256] },
    { id: 'conv', title: 'conv2d fwd [2,16,28,28]×[16,16,3,3] pad 1', flops: conv(2, 16, 16, 28), kind: 'conv', dims: [2, 16, 28] },
    { id: 'conv-bwd', title: 'conv2d bwd (dx + dw) of the same', flops: 2 * conv(2, 16, 16, 28), kind: 'conv-bwd', dims: [2, 16, 28] },
    { id: 'resnet18-b1', title: 'ResNet-18 inference 1×3×64×64', flops: resnet(1, 64), kind: 'resnet', dims: [1, 64] },
    { id: 'resnet18-train', title: 'ResNet-18 training step 2×3×64×64', flops: 3 * resnet(2, 64), kind: 'resnet-train', dims: [2, 64] },
  ],
};

export interface GpuCell {
  ms?: number;
  samples?: number;
  /** Per timed step, convkit only: queue submissions, compute dispatches, bytes uploaded and read back. */
  submissions?: number;
  dispatches?: number;
  bytesUp?: number;
  bytesDown?: number;
  /** Largest |webgpu - wasm| of the step's result (convkit, small size only). */
  maxDiff?: number;
  skip?: string;
}

const RUNNERS: Record<string, (w: string, size: string, budget: string) => [string, string[]]> = {
  convkit: (w, size, budget) => [process.execPath, ['--import', 'tsx', 'bench/webgpu-cell.ts', 'convkit', w, size, budget]],
  'tfjs-webgpu': (w, size, budget) => [process.execPath, ['--import', 'tsx', 'bench/webgpu-cell.ts', 'tfjs-webgpu', w, size, budget]],
  'ort-webgpu': (w, size, budget) => [process.execPath, ['--import', 'tsx', 'bench/webgpu-cell.ts', 'ort-webgpu', w, size, budget]],
  'pytorch-cuda': (w, size) => ['/usr/bin/python3', ['bench/frameworks/pytorch_cuda.py', w, size]],
};

function runCell(fw: string, w: GpuWorkload, size: string, budget: string): GpuCell {
  const [cmd, args] = RUNNERS[fw](w.id, size, budget);
  // onnxruntime-web's WebGPU run can block its process's event loop without answering (SwiftShader under Node):
  // its cells get a shorter leash than convkit's slow software-adapter steps
  const limit = fw === 'ort-webgpu' ? 180 : 600;
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', timeout: limit * 1000 });
  const line = r.stdout?.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as GpuCell;
  } catch {
    // SwiftShader's loader prints an XDG_RUNTIME_DIR warning on every start: the error is the last other line
    const lines = (r.stderr || r.error?.message || 'no output').trim().split('\n').filter((l) => !l.includes('XDG_RUNTIME_DIR'));
    return { skip: r.signal ? `stopped after ${limit} s` : `failed: ${lines.pop() ?? 'no output'}` };
  }
}

function rate(w: GpuWorkload, c: GpuCell): string {
  if (c.ms === undefined) return c.skip ?? '–';
  return w.kind === 'gemm' ? `${(w.flops / c.ms / 1e6).toFixed(1)} GFLOP/s` : `${c.ms.toFixed(2)} ms`;
}

export function main(): void {
  const size = arg('size', 'full') as 'full' | 'small';
  if (!GPU_WORKLOADS[size]) throw new Error(`bench --device webgpu: --size must be full or small, got ${size}`);
  const budget = arg('budget', '4000');
  const frameworks = arg('frameworks', Object.keys(RUNNERS).join(',')).split(',');
  for (const f of frameworks) if (!RUNNERS[f]) throw new Error(`bench --device webgpu: unknown framework ${f}, expected ${Object.keys(RUNNERS).join(', ')}`);
  const only = arg('only', '').split(',').filter(Boolean);
  const workloads = GPU_WORKLOADS[size].filter((w) => only.length === 0 || only.includes(w.id));
  if (workloads.length === 0) throw new Error(`bench --device webgpu: --only matches no workload, expected some of ${GPU_WORKLOADS[size].map((w) => w.id).join(', ')}`);
  const results: Record<string, Record<string, GpuCell>> = {};
  const rows: string[] = [];
  for (const w of workloads) {
    results[w.id] = {};
    for (const f of frameworks) results[w.id][f] = runCell(f, w, size, budget);
    const own = results[w.id].convkit;
    const extra = own?.submissions !== undefined ? `${own.submissions} / ${own.dispatches} / ${(own.bytesUp! / 1e6).toFixed(2)} MB up, ${(own.bytesDown! / 1e6).toFixed(3)} MB down${own.maxDiff !== undefined ? ` / max diff vs wasm ${own.maxDiff.toExponential(1)}` : ''}` : '';
    rows.push(`| ${w.title} | ${frameworks.map((f) => rate(w, results[w.id][f])).join(' | ')} | ${extra} |`);
    console.error(rows[rows.length - 1]);
  }
  console.log(`| workload | ${frameworks.join(' | ')} | convkit per step: submissions / dispatches / bytes moved |`);
  console.log(`|---|${frameworks.map(() => '---').join('|')}|---|`);
  for (const r of rows) console.log(r);
  const out = arg('out', '');
  if (out) {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify({ size, date: new Date().toISOString(), results }, null, 1));
  }
}

/**
 * One cell of the GPU benchmark in its own process: node --import tsx bench/webgpu-cell.ts FRAMEWORK WORKLOAD SIZE BUDGET
 * prints one JSON line (bench/webgpu.ts's GpuCell). Every timed run ends when the GPU has finished its work.
 */
import * as ck from '../src/index.js';
import type { WebGpuBackend } from '../src/backends/webgpu/index.js';
import { findBackend } from '../src/backends/registry.js';
import { measure } from './measure.js';
import { GPU_WORKLOADS, type GpuCell, type GpuWorkload } from './webgpu.js';
import { loadOrtWebgpu, ortWebgpuStep } from './frameworks/ort-webgpu.js';
import { loadTfjsWebgpu, tfjsWebgpuStep } from './frameworks/tfjs-webgpu.js';

const F = ck.nn.functional;

/** Deterministic inputs, so convkit's webgpu and wasm results can be compared. */
function values(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1);
}

interface Built {
  /** One timed step; resolves when its result exists (on the GPU: after the queue has drained). */
  run: () => Promise<ck.Tensor | null>;
}

/** The workload on the current convkit backend (parameters from a fixed seed, so both backends hold the same model). */
function buildConvkit(w: GpuWorkload): Built {
  const t = (shape: number[], seed: number): ck.Tensor => ck.tensor(values(shape.reduce((a, b) => a * b, 1), seed), { shape });
  if (w.kind === 'gemm') {
    const [n] = w.dims;
    const [a, b] = [t([n, n], 1), t([n, n], 2)];
    return { run: async () => ck.matmul(a, b) };
  }
  if (w.kind === 'conv' || w.kind === 'conv-bwd') {
    const [n, c, side] = w.dims;
    const x = t([n, c, side, side], 3).requiresGrad_(w.kind === 'conv-bwd');
    const wt = t([c, c, 3, 3], 4).requiresGrad_(w.kind === 'conv-bwd');
    if (w.kind === 'conv') return { run: async () => ck.noGrad(() => F.conv2d(x, wt, null, { padding: 1 } as never)) };
    return {
      run: async () => {
        x.grad = null;
        wt.grad = null;
        const y = F.conv2d(x, wt, null, { padding: 1 } as never);
        y.backward(ck.onesLike(y));
        return wt.grad;
      },
    };
  }
  const [batch, side] = w.dims;
  ck.manualSeed(0);
  const model = ck.models.resnet18();
  const x = t([batch, 3, side, side], 5);
  if (w.kind === 'resnet') {
    model.eval();
    return { run: async () => ck.noGrad(() => model.forward(x) as ck.Tensor) };
  }
  const y = ck.tensor(Array.from({ length: batch }, (_, i) => i % 1000), { dtype: 'int32' });
  const opt = new ck.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  return {
    run: async () => {
      opt.zeroGrad();
      const loss = F.crossEntropy(model.forward(x) as ck.Tensor, y);
      loss.backward();
      opt.step();
      return loss;
    },
  };
}

async function convkitCell(w: GpuWorkload, size: string, budget: number): Promise<GpuCell> {
  if (!process.env.VK_ICD_FILENAMES && size === 'small') process.env.VK_ICD_FILENAMES = '/usr/lib/chromium/vk_swiftshader_icd.json';
  await ck.ready('webgpu');
  ck.setBackend('webgpu');
  const gpu = findBackend('webgpu') as WebGpuBackend;
  const built = buildConvkit(w);
  const step = async (): Promise<ck.Tensor | null> => {
    const out = await built.run();
    await gpu.sync();
    return out;
  };
  const before = gpu.stats();
  const first = await step();
  const after = gpu.stats();
  const cell: GpuCell = {
    submissions: after.submissions - before.submissions,
    dispatches: after.dispatches - before.dispatches,
    bytesUp: after.bytesUploaded - before.bytesUploaded,
    bytesDown: after.bytesDownloaded - before.bytesDownloaded,
  };
  if (size === 'small' && first && w.kind !== 'resnet-train') {
    const mine = await first.data();
    const theirs = ck.withBackend('wasm', () => buildConvkit(w));
    const expected = await ck.withBackend('wasm', () => theirs.run());
    const exp = expected ? ck.withBackend('wasm', () => expected.dataSync()) : new Float32Array();
    cell.maxDiff = Array.from(exp).reduce((m: number, v: number, i: number) => Math.max(m, Math.abs(v - mine[i])), 0);
  }
  return { ...cell, ...(await measure({ run: step }, { budgetMs: budget, maxSamples: 10 })) };
}

/** A peer framework's cell: its step, measured as convkit's (every step ends with its result read back). */
async function peerCell(framework: string, w: GpuWorkload, size: string, budget: number): Promise<GpuCell> {
  if (!process.env.VK_ICD_FILENAMES && size === 'small') process.env.VK_ICD_FILENAMES = '/usr/lib/chromium/vk_swiftshader_icd.json';
  if (framework === 'tfjs-webgpu') {
    const tf = await loadTfjsWebgpu();
    if (typeof tf === 'string') return { skip: tf };
    return measure({ run: tfjsWebgpuStep(tf, w, values) }, { budgetMs: budget, maxSamples: 10 });
  }
  const ort = await loadOrtWebgpu();
  if (typeof ort === 'string') return { skip: ort };
  const t = (shape: number[], seed: number): ck.Tensor => ck.tensor(values(shape.reduce((a, b) => a * b, 1), seed), { shape });
  const step = await ortWebgpuStep(ort, w, t);
  if (typeof step === 'string') return { skip: step };
  return measure({ run: step }, { budgetMs: budget, maxSamples: 10 });
}

const [framework, id, size, budget] = process.argv.slice(2);
let result: GpuCell;
try {
  const w = GPU_WORKLOADS[size as 'full' | 'small'].find((k) => k.id === id);
  if (!w) throw new Error(`unknown workload ${id}`);
  result = framework === 'convkit' ? await convkitCell(w, size, Number(budget)) : await peerCell(framework, w, size, Number(budget));
} catch (e) {
  result = { skip: `failed: ${(e as Error).message.split('\n')[0]}` };
}
console.log(JSON.stringify(result));
process.exit(0);

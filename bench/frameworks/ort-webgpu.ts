/**
 * onnxruntime-web's WebGPU execution provider on the inference rows of the GPU benchmark (it has no training, so
 * the backward and training rows are skipped with that reason). The models are convkit's own ONNX exports
 * (ck.onnx.toOnnx, built on a CPU backend from the benchmark's seeds), so nothing but the package is needed.
 */
import * as ck from '../../src/index.js';
import type { GpuWorkload } from '../webgpu.js';
import { PEERS } from './types.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- onnxruntime-web is loaded at run time from bench/peers, untyped here */
type Ort = any;

class MatMul extends ck.nn.Module {
  forward(a: ck.Tensor, b: ck.Tensor): ck.Tensor {
    return ck.matmul(a, b);
  }
}

/**
 * onnxruntime-web's threaded build uploads straight from its WebAssembly memory, a SharedArrayBuffer, which Dawn's
 * Node binding rejects ('Invalid argument'): such writes go through a copy (browsers accept shared memory).
 */
function copySharedWrites(queue: GPUQueue | undefined): void {
  if (!queue || (queue.writeBuffer as { copiesShared?: boolean }).copiesShared) return;
  const write = queue.writeBuffer;
  const patched = function (this: GPUQueue, buffer: GPUBuffer, offset: number, data: any, dataOffset?: number, size?: number) {
    let source = data;
    if (data instanceof SharedArrayBuffer) source = new Uint8Array(data).slice().buffer;
    else if (ArrayBuffer.isView(data) && data.buffer instanceof SharedArrayBuffer) source = (data as any).slice();
    const rest = [dataOffset, size].filter((v) => v !== undefined) as number[];
    return (write as (...args: unknown[]) => void).call(this, buffer, offset, source, ...rest);
  };
  queue.writeBuffer = Object.assign(patched, { copiesShared: true }) as GPUQueue['writeBuffer'];
}

/** Loads onnxruntime-web's WebGPU build on Node's navigator.gpu (the `webgpu` package); a string says why not. */
export async function loadOrtWebgpu(): Promise<Ort | string> {
  try {
    const { create, globals } = (await import('webgpu')) as unknown as { create(f: string[]): unknown; globals: object };
    Object.assign(globalThis, globals, { navigator: { gpu: create([]) } });
    copySharedWrites((globals as { GPUQueue?: { prototype: GPUQueue } }).GPUQueue?.prototype);
    const ort = await import(new URL('node_modules/onnxruntime-web/dist/ort.webgpu.min.mjs', PEERS).href);
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.wasmPaths = new URL('node_modules/onnxruntime-web/dist/', PEERS).href;
    return ort;
  } catch (e) {
    return `not installed (bench/setup.sh installs bench/peers): ${(e as Error).message.split('\n')[0]}`;
  }
}

/** The exported model and its inputs, on a CPU backend. */
async function exported(w: GpuWorkload, t: (shape: number[], seed: number) => ck.Tensor): Promise<{ bytes: Uint8Array; inputs: ck.Tensor[] }> {
  if (w.kind === 'gemm') {
    const inputs = [t([w.dims[0], w.dims[0]], 1), t([w.dims[0], w.dims[0]], 2)];
    return { bytes: await ck.onnx.toOnnx(new MatMul(), inputs, { dynamicBatch: false }), inputs };
  }
  if (w.kind === 'conv') {
    const [n, c, side] = w.dims;
    const conv = new ck.nn.Conv2d(c, c, 3, { padding: 1, bias: false });
    const x = t([n, c, side, side], 3);
    return { bytes: await ck.onnx.toOnnx(conv, [x], { dynamicBatch: false }), inputs: [x] };
  }
  const [batch, side] = w.dims;
  ck.manualSeed(0);
  const model = ck.models.resnet18().eval();
  const x = t([batch, 3, side, side], 5);
  // exported at batch 1 with a symbolic batch dim, run at the workload's batch
  return { bytes: await ck.onnx.toOnnx(model, [x.narrow(0, 0, 1)]), inputs: [x] };
}

/** The step to time for one workload, or why onnxruntime-web cannot run it. Outputs are read back every step. */
export async function ortWebgpuStep(ort: Ort, w: GpuWorkload, t: (shape: number[], seed: number) => ck.Tensor): Promise<(() => Promise<unknown>) | string> {
  if (w.kind === 'conv-bwd' || w.kind === 'resnet-train') return 'onnxruntime-web runs inference only';
  const { bytes, inputs } = await ck.withBackend('wasm', () => exported(w, t));
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'] });
  const feeds: Record<string, unknown> = {};
  for (const [i, name] of (session.inputNames as string[]).entries()) {
    const x = inputs[i];
    feeds[name] = new ort.Tensor('float32', Float32Array.from(await x.data()), x.shape);
  }
  const step = async (): Promise<unknown> => Object.values(await session.run(feeds)).map((v: any) => v.data);
  // measured 2026-12-03 on SwiftShader under Node's webgpu package: the session is created, its first run never
  // answers; a cell that hangs must not hold the whole benchmark
  const first = await Promise.race([step().then(() => 'ok'), new Promise<string>((done) => setTimeout(() => done('timeout'), FIRST_RUN_MS).unref())]);
  if (first !== 'ok') return `onnxruntime-web's WebGPU EP did not finish a first run within ${FIRST_RUN_MS / 1000} s (under Node's webgpu package)`;
  return step;
}

const FIRST_RUN_MS = 120_000;

/** onnxruntime-node (inference only) on models exported from PyTorch by bench/peers/export_onnx.py. */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { PEERS, type Framework } from './types.js';

/** Input shape of each exported model (NCHW, as PyTorch exported it). */
const MODELS: Record<string, number[][]> = {
  gemm: [[1024, 1024], [1024, 1024]],
  conv3x3: [[8, 64, 56, 56]],
  conv1x1: [[8, 256, 56, 56]],
  depthwise: [[8, 128, 56, 56]],
  'resnet18-b1': [[1, 3, 224, 224]],
  'resnet18-b8': [[8, 3, 224, 224]],
};

export const onnxruntime: Framework = {
  async prepare(workload, threads) {
    const shapes = MODELS[workload];
    if (!shapes) return 'onnxruntime-node runs inference only';
    const file = fileURLToPath(new URL(`models/${workload}.onnx`, PEERS));
    if (!existsSync(file)) return `${file} missing: run bench/setup.sh`;
    const ort = createRequire(new URL('package.json', PEERS))('onnxruntime-node');
    const session = await ort.InferenceSession.create(file, { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
    const feeds: Record<string, unknown> = {};
    session.inputNames.forEach((name: string, i: number) => {
      const n = shapes[i].reduce((a, b) => a * b, 1);
      feeds[name] = new ort.Tensor('float32', Float32Array.from({ length: n }, () => Math.random() - 0.5), shapes[i]);
    });
    return { run: () => session.run(feeds) };
  },
};

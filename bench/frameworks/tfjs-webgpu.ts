/**
 * TensorFlow.js's webgpu backend on every row of the GPU benchmark, in its native NHWC layout: GEMM, conv2d
 * forward and backward, and ResNet-18 (torchvision's structure: 7×7/2 stem, max pool, four stages of two basic
 * blocks, 1×1/2 projection shortcuts, global average pool, fc) written with tfjs ops, for inference (BatchNorm
 * with running statistics) and a training step (batch statistics, cross-entropy, SGD with momentum 0.9).
 * Installed apart from convkit: bench/setup.sh (bench/peers).
 */
import { createRequire } from 'node:module';
import type { GpuWorkload } from '../webgpu.js';
import { PEERS } from './types.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tfjs is loaded at run time from bench/peers, untyped here */
type Tf = any;
type T = any;

/** Loads tfjs-core and its webgpu backend on Node's navigator.gpu (the `webgpu` package); a string says why not. */
export async function loadTfjsWebgpu(): Promise<Tf | string> {
  let tf: Tf;
  try {
    const { create, globals } = (await import('webgpu')) as unknown as { create(f: string[]): unknown; globals: object };
    Object.assign(globalThis, globals, { navigator: { gpu: create([]) } });
    // their CommonJS builds: the ES module builds use directory imports that Node refuses
    const req = createRequire(new URL('package.json', PEERS));
    tf = req('@tensorflow/tfjs-core');
    req('@tensorflow/tfjs-backend-webgpu');
  } catch (e) {
    return `not installed (bench/setup.sh installs bench/peers): ${(e as Error).message.split('\n')[0]}`;
  }
  if (!(await tf.setBackend('webgpu'))) return 'tfjs-webgpu: no adapter';
  await tf.ready();
  return tf;
}

/** He-normal weights from tfjs's seeded generator (the values do not matter for timing, only the shapes). */
function resnet18(tf: Tf, classes = 1000) {
  let seed = 1;
  const v = (t: T): T => tf.variable(t);
  const conv = (k: number, cin: number, cout: number): T => v(tf.randomNormal([k, k, cin, cout], 0, Math.sqrt(2 / (k * k * cin)), 'float32', seed++));
  const bn = (c: number) => ({ gamma: v(tf.ones([c])), beta: v(tf.zeros([c])), mean: tf.zeros([c]), variance: tf.ones([c]) });
  const stem = { w: conv(7, 3, 64), bn: bn(64) };
  const blocks: { w1: T; bn1: ReturnType<typeof bn>; w2: T; bn2: ReturnType<typeof bn>; stride: number; down?: { w: T; bn: ReturnType<typeof bn> } }[] = [];
  let cin = 64;
  for (const [cout, stride] of [[64, 1], [128, 2], [256, 2], [512, 2]]) {
    for (let b = 0; b < 2; b++) {
      const s = b === 0 ? stride : 1;
      blocks.push({ w1: conv(3, cin, cout), bn1: bn(cout), w2: conv(3, cout, cout), bn2: bn(cout), stride: s, down: s !== 1 || cin !== cout ? { w: conv(1, cin, cout), bn: bn(cout) } : undefined });
      cin = cout;
    }
  }
  const fc = { w: v(tf.randomNormal([512, classes], 0, 0.01, 'float32', seed++)), b: v(tf.zeros([classes])) };
  const norm = (x: T, p: ReturnType<typeof bn>, training: boolean): T => {
    if (!training) return tf.batchNorm(x, p.mean, p.variance, p.beta, p.gamma, 1e-5);
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    return tf.batchNorm(x, mean, variance, p.beta, p.gamma, 1e-5);
  };
  // torchvision pads explicitly (3 for the stem, 1 for 3×3): tfjs's numeric padding does the same
  const forward = (x: T, training: boolean): T => {
    let y = tf.relu(norm(tf.conv2d(x, stem.w, 2, 3), stem.bn, training));
    y = tf.maxPool(tf.pad(y, [[0, 0], [1, 1], [1, 1], [0, 0]], -Infinity), 3, 2, 'valid');
    for (const b of blocks) {
      const out = tf.relu(norm(tf.conv2d(y, b.w1, b.stride, 1), b.bn1, training));
      const main = norm(tf.conv2d(out, b.w2, 1, 1), b.bn2, training);
      const short = b.down ? norm(tf.conv2d(y, b.down.w, b.stride, 0), b.down.bn, training) : y;
      y = tf.relu(tf.add(main, short));
    }
    return tf.add(tf.matMul(tf.mean(y, [1, 2]), fc.w), fc.b);
  };
  return { forward, probe: fc.b };
}

/** The step to time for one workload, or why tfjs cannot run it. Each step resolves once its result is read back. */
export function tfjsWebgpuStep(tf: Tf, w: GpuWorkload, values: (n: number, seed: number) => number[]): () => Promise<unknown> {
  const t = (shape: number[], seed: number): T => tf.tensor(values(shape.reduce((a, b) => a * b, 1), seed), shape);
  if (w.kind === 'gemm') {
    const [a, b] = [t([w.dims[0], w.dims[0]], 1), t([w.dims[0], w.dims[0]], 2)];
    return () => tf.tidy(() => tf.matMul(a, b)).data();
  }
  if (w.kind === 'conv' || w.kind === 'conv-bwd') {
    const [n, c, side] = w.dims;
    const x = t([n, side, side, c], 3);
    const k = t([3, 3, c, c], 4);
    const f = (xx: T, kk: T): T => tf.conv2d(xx, kk, 1, 'same');
    if (w.kind === 'conv') return () => tf.tidy(() => f(x, k)).data();
    return () => Promise.all(tf.tidy(() => tf.grads(f)([x, k])).map((g: T) => g.data()));
  }
  const [batch, side] = w.dims;
  const net = resnet18(tf);
  const x = t([batch, side, side, 3], 5);
  if (w.kind === 'resnet') return () => tf.tidy(() => net.forward(x, false)).data();
  const labels = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 1000), 'int32'), 1000);
  const opt = tf.train.momentum(0.01, 0.9);
  return async () => {
    tf.tidy(() => opt.minimize(() => tf.losses.softmaxCrossEntropy(labels, net.forward(x, true)), false));
    // the fc bias is written by the last update: reading it waits for the whole step
    return net.probe.data();
  };
}

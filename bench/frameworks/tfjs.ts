/**
 * TensorFlow.js 4.22 with its `wasm` (XNNPACK, SIMD, one thread under Node) or plain-JS `cpu` backend.
 * Layouts are TensorFlow's NHWC; ResNet-18 and LeNet-5 are written with tfjs-core ops and random weights.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Step } from '../measure.js';
import { loadFashion } from './fashion.js';
import { PEERS, type Framework } from './types.js';

type Tf = any;
type T = any;

async function loadTf(backend: 'wasm' | 'cpu'): Promise<Tf> {
  const req = createRequire(new URL('package.json', PEERS));
  const tf = req('@tensorflow/tfjs-core');
  req('@tensorflow/tfjs-core/dist/register_all_gradients'); // tf.grads needs them; the core index does not load them
  if (backend === 'cpu') req('@tensorflow/tfjs-backend-cpu');
  if (backend === 'wasm') {
    const wasm = req('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(fileURLToPath(new URL('node_modules/@tensorflow/tfjs-backend-wasm/dist/', PEERS)));
  }
  await tf.setBackend(backend);
  await tf.ready();
  return tf;
}

function convBn(tf: Tf, cin: number, cout: number, k: number, stride: number): (x: T) => T {
  const w = tf.randomNormal([k, k, cin, cout], 0, Math.sqrt(2 / (k * k * cin)));
  const [mean, variance, scale, offset] = [tf.zeros([cout]), tf.ones([cout]), tf.ones([cout]), tf.zeros([cout])];
  return (x) => tf.batchNorm(tf.conv2d(x, w, stride, 'same'), mean, variance, offset, scale, 1e-5);
}

/** torchvision's resnet18 layer for layer (BasicBlock ×2 per stage), inference mode. */
function resnet18(tf: Tf): (x: T) => T {
  const stem = convBn(tf, 3, 64, 7, 2);
  const blocks: ((x: T) => T)[] = [];
  let cin = 64;
  for (const [cout, stride] of [[64, 1], [128, 2], [256, 2], [512, 2]]) {
    for (let b = 0; b < 2; b++) {
      const s = b === 0 ? stride : 1;
      const c1 = convBn(tf, cin, cout, 3, s);
      const c2 = convBn(tf, cout, cout, 3, 1);
      const down = s !== 1 || cin !== cout ? convBn(tf, cin, cout, 1, s) : (x: T) => x;
      blocks.push((x) => tf.relu(tf.add(c2(tf.relu(c1(x))), down(x))));
      cin = cout;
    }
  }
  const fc = tf.randomNormal([512, 1000], 0, 0.01);
  return (x) => {
    let h = tf.maxPool(tf.relu(stem(x)), 3, 2, 'same');
    for (const block of blocks) h = block(h);
    return tf.matMul(tf.mean(h, [1, 2]), fc);
  };
}

function lenetTraining(tf: Tf): Step<any> {
  const v = (shape: number[], fanIn: number): T => tf.variable(tf.randomUniform(shape, -1 / Math.sqrt(fanIn), 1 / Math.sqrt(fanIn)));
  const p = { c1: v([5, 5, 1, 6], 25), c2: v([5, 5, 6, 16], 150), f1: v([400, 120], 400), f2: v([120, 84], 120), f3: v([84, 10], 84) };
  const data = loadFashion(64 * 20);
  const opt = tf.train.momentum(0.01, 0.9);
  let i = 0;
  return {
    run: () => {
      const k = i++ % 20;
      readBack(tf, () => {
        const x = tf.tensor4d(data.images.subarray(k * 64 * 784, (k + 1) * 64 * 784), [64, 28, 28, 1]);
        const y = tf.oneHot(tf.tensor1d(data.labels.subarray(k * 64, (k + 1) * 64), 'int32'), 10);
        return opt.minimize(() => {
          let h = tf.maxPool(tf.relu(tf.conv2d(x, p.c1, 1, 'same')), 2, 2, 'valid');
          h = tf.maxPool(tf.relu(tf.conv2d(h, p.c2, 1, 'valid')), 2, 2, 'valid');
          h = tf.relu(tf.matMul(tf.relu(tf.matMul(tf.reshape(h, [64, 400]), p.f1)), p.f2));
          return tf.losses.softmaxCrossEntropy(y, tf.matMul(h, p.f3));
        }, true);
      });
    },
  };
}

/**
 * Runs `f` inside tidy (freeing intermediates) and reads the results back, so the time includes finishing the
 * work. The read happens outside tidy: dataSync inside a tidy scope made a 1024³ matMul 15× slower.
 */
function readBack(tf: Tf, f: () => T | T[]): void {
  const out = tf.tidy(f);
  for (const t of Array.isArray(out) ? out : [out]) t.dataSync();
  tf.dispose(out);
}
const timed = (tf: Tf, f: () => T | T[]): Step<any> => ({ run: () => readBack(tf, f) });

function conv(tf: Tf, x: number[], w: number[], depthwise: boolean, backward: boolean): Step<any> {
  const input = tf.randomNormal(x);
  const filter = tf.randomNormal(w);
  const op = (a: T, b: T): T => (depthwise ? tf.depthwiseConv2d(a, b, 1, 'same') : tf.conv2d(a, b, 1, 'same'));
  if (!backward) return timed(tf, () => op(input, filter));
  const grads = tf.grads((a: T, b: T) => op(a, b));
  return timed(tf, () => grads([input, filter]));
}

export function tfjs(backend: 'wasm' | 'cpu'): Framework {
  return {
    async prepare(workload, threads) {
      if (threads > 1) return backend === 'wasm' ? 'tfjs-wasm runs one thread under Node' : 'tfjs-cpu is single-threaded';
      const tf = await loadTf(backend);
      switch (workload) {
        case 'gemm': {
          const a = tf.randomNormal([1024, 1024]);
          const b = tf.randomNormal([1024, 1024]);
          return timed(tf, () => tf.matMul(a, b));
        }
        case 'conv3x3': return conv(tf, [8, 56, 56, 64], [3, 3, 64, 64], false, false);
        case 'conv3x3-bwd':
          if (backend === 'wasm') return 'tfjs-wasm has no Conv2DBackpropInput/Filter kernels';
          return conv(tf, [8, 56, 56, 64], [3, 3, 64, 64], false, true);
        case 'conv1x1': return conv(tf, [8, 56, 56, 256], [1, 1, 256, 64], false, false);
        case 'depthwise': return conv(tf, [8, 56, 56, 128], [3, 3, 128, 1], true, false);
        case 'resnet18-b1':
        case 'resnet18-b8': {
          const net = resnet18(tf);
          const x = tf.randomNormal([workload === 'resnet18-b1' ? 1 : 8, 224, 224, 3]);
          return timed(tf, () => net(x));
        }
        case 'lenet5-train':
          return backend === 'wasm' ? 'tfjs-wasm cannot train convolutions (no Conv2DBackpropFilter kernel)' : lenetTraining(tf);
        default: return `not run on tfjs-${backend}`;
      }
    },
  };
}

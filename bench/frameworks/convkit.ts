/** convkit on its default CPU backend (wasm), or on the one named by CONVKIT_BACKEND for comparison runs. */
import * as ck from '../../src/index.js';
import type { Step } from '../measure.js';
import { loadFashion } from './fashion.js';
import type { Framework } from './types.js';

const F = ck.nn.functional;

function convStep(x: number[], w: number[], groups: number, padding: number, backward: boolean): Step<any> {
  const conv2d = (a: ck.Tensor, b: ck.Tensor): ck.Tensor => F.conv2d(a, b, null, { padding, groups });
  const input = ck.randn(x).requiresGrad_(backward);
  const weight = ck.randn(w).requiresGrad_(backward);
  if (!backward) return { run: () => ck.noGrad(() => conv2d(input, weight)) };
  return {
    before: () => conv2d(input, weight),
    run: (y: ck.Tensor) => y.backward(ck.onesLike(y)),
  };
}

function resnetInference(batch: number): Step<any> {
  // BatchNorm + add + ReLU as one pass (same outputs), as the other frameworks' inference engines fuse them
  const model = ck.fuse(ck.models.resnet18().eval());
  const x = ck.randn([batch, 3, 224, 224]);
  return { run: () => ck.noGrad(() => model.forward(x)).dataSync() };
}

interface Batch {
  x: ck.Tensor;
  y: ck.Tensor;
}

function trainStep(model: ck.nn.Module, next: () => Batch, lr: number): Step<any> {
  const opt = new ck.optim.SGD(model.parameters(), { lr, momentum: 0.9 });
  return {
    run: () => {
      const { x, y } = next();
      opt.zeroGrad();
      const loss = F.crossEntropy(model.forward(x) as ck.Tensor, y);
      loss.backward();
      opt.step();
      return loss.item();
    },
  };
}

/** Fashion-MNIST's 28×28 images centred on the 32×32 canvas the lecture's LeNet-5 expects (the others pad conv1 by 2). */
function padTo32(images: Float32Array, n: number): Float32Array {
  const out = new Float32Array(n * 32 * 32);
  for (let i = 0; i < n; i++) for (let r = 0; r < 28; r++) out.set(images.subarray((i * 28 + r) * 28, (i * 28 + r + 1) * 28), (i * 32 + r + 2) * 32 + 2);
  return out;
}

function lenetTraining(): Step<any> {
  const data = loadFashion(64 * 20);
  const images = padTo32(data.images, data.n);
  const batches = Array.from({ length: 20 }, (_, i) => ({
    x: ck.tensor(images.subarray(i * 64 * 1024, (i + 1) * 64 * 1024), { shape: [64, 1, 32, 32] }),
    y: ck.tensor(data.labels.subarray(i * 64, (i + 1) * 64), { shape: [64], dtype: 'int32' }),
  }));
  let i = 0;
  return trainStep(ck.models.lenet5({ activation: 'relu', pool: 'max' }), () => batches[i++ % batches.length], 0.01);
}

function resnetTraining(): Step<any> {
  const batch = { x: ck.randn([16, 3, 64, 64]), y: ck.randint(0, 10, [16]) };
  return trainStep(ck.fuse(ck.models.resnet18({ numClasses: 10 })), () => batch, 0.01);
}

export const convkit: Framework = {
  async prepare(workload, threads) {
    ck.setNumThreads(threads);
    const backend = process.env.CONVKIT_BACKEND;
    await ck.ready(backend);
    if (backend) ck.setBackend(backend);
    switch (workload) {
      case 'gemm': {
        const a = ck.randn([1024, 1024]);
        const b = ck.randn([1024, 1024]);
        return { run: () => ck.matmul(a, b) };
      }
      case 'conv3x3': return convStep([8, 64, 56, 56], [64, 64, 3, 3], 1, 1, false);
      case 'conv3x3-bwd': return convStep([8, 64, 56, 56], [64, 64, 3, 3], 1, 1, true);
      case 'conv1x1': return convStep([8, 256, 56, 56], [64, 256, 1, 1], 1, 0, false);
      case 'depthwise': return convStep([8, 128, 56, 56], [128, 1, 3, 3], 128, 1, false);
      case 'resnet18-b1': return resnetInference(1);
      case 'resnet18-b8': return resnetInference(8);
      case 'lenet5-train': return lenetTraining();
      case 'resnet18-train': return resnetTraining();
      default: return `unknown workload ${workload}`;
    }
  },
};

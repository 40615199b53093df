import * as ck from './src/index.js';
import { findBackend } from './src/backends/registry.js';
import { convBackwardInput, convBackwardWeight } from './src/ops/conv/primitives.js';
process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';
await ck.ready('webgpu'); ck.setBackend('webgpu');
const be = findBackend('webgpu') as any;
async function time(name: string, f: () => unknown) {
  f(); await be.sync();
  const t0 = performance.now(); f(); await be.sync();
  console.log(name, (performance.now() - t0).toFixed(0), 'ms');
}
const geom = (C: number, H: number, k: number, O: number) => ({ inSize: [1, H, H], outSize: [1, H - k + 1, H - k + 1], kernelSize: [1, k, k], stride: [1, 1, 1], dilation: [1, 1, 1], padBefore: [0, 0, 0], groups: 1 } as any);
const x1 = ck.randn([64, 1, 1, 32, 32]), gy1 = ck.randn([64, 6, 1, 28, 28]), w1 = ck.randn([6, 1, 1, 5, 5]);
const x2 = ck.randn([64, 6, 1, 14, 14]), gy2 = ck.randn([64, 16, 1, 10, 10]), w2 = ck.randn([16, 6, 1, 5, 5]);
await time('conv1 dW', () => convBackwardWeight(x1, gy1, geom(1, 32, 5, 6)));
await time('conv2 dW', () => convBackwardWeight(x2, gy2, geom(6, 14, 5, 16)));
await time('conv2 dX', () => convBackwardInput(gy2, w2, geom(6, 14, 5, 16)));
const h = ck.randn([64, 6, 28, 28]).requiresGrad_(true);
await time("maxpool bwd", () => (ck.sum(ck.nn.functional.maxPool2d(h, 2) as ck.Tensor).backward()));

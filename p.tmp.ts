import * as ck from './src/index.js';
import { findBackend } from './src/backends/registry.js';
process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';
await ck.ready('webgpu'); ck.setBackend('webgpu');
const be = findBackend('webgpu') as any;
const F = ck.nn.functional;
async function time(name: string, f: () => unknown) {
  f(); await be.sync();
  const t0 = performance.now(); f(); await be.sync();
  console.log(name, (performance.now() - t0).toFixed(0), 'ms');
}
const x = ck.randn([64, 1, 32, 32]), w1 = ck.randn([6, 1, 5, 5]), b1 = ck.randn([6]);
const h = ck.randn([64, 6, 28, 28]);
const h2 = ck.randn([64, 6, 14, 14]), w2 = ck.randn([16, 6, 5, 5]);
await time('conv1', () => F.conv2d(x, w1, b1));
await time('relu', () => ck.relu(h));
await time('maxpool', () => F.maxPool2d(h, 2));
await time('avgpool', () => F.avgPool2d(h, 2));
await time('conv2', () => F.conv2d(h2, w2));
await time('sum', () => ck.sum(h));
await time('sum dim', () => ck.sum(h, [0, 2, 3]));
await time('matmul 64x400x120', () => ck.matmul(ck.randn([64, 400]), ck.randn([400, 120])));

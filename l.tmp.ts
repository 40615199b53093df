import * as ck from './src/index.js';
import { findBackend } from './src/backends/registry.js';
process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';
await ck.ready('webgpu'); ck.setBackend('webgpu');
const be = findBackend('webgpu') as any;
const model = (ck.models as any).lenet5();
const opt = new ck.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
const x = ck.randn([64, 1, 32, 32]);
for (let i = 0; i < 4; i++) {
  const s0 = be.stats();
  const t0 = performance.now();
  opt.zeroGrad();
  const out = model.forward(x);
  await be.sync(); const t1 = performance.now();
  ck.sum(ck.square(out)).backward();
  await be.sync(); const t2 = performance.now();
  opt.step();
  await be.sync(); const t3 = performance.now();
  const s1 = be.stats();
  console.log(`fwd ${(t1 - t0).toFixed(0)} bwd ${(t2 - t1).toFixed(0)} step ${(t3 - t2).toFixed(0)} ms; submissions ${s1.submissions - s0.submissions} dispatches ${s1.dispatches - s0.dispatches} created ${s1.created - s0.created}`);
}

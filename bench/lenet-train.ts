/**
 * LeNet-5 (ReLU/max) training speed on Fashion-MNIST and where the time goes, batch 64, Adam.
 *   node --import tsx bench/lenet-train.ts [--batches 40] [--backend name]
 * 1. kernels only: batches prepared in memory beforehand; forward + loss, backward and optimiser step timed apart;
 * 2. ck.train.fit over a DataLoader on the same images (decoding, transforms, collation and bookkeeping included).
 * The difference is what the data pipeline and the training loop add. Never part of the test suite.
 */
import * as ck from '../src/node.js';

const arg = (name: string, fallback: string): string => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const batches = Number(arg('--batches', '40'));
await ck.ready(arg('--backend', 'reference')).catch(() => undefined);
ck.setBackend(arg('--backend', 'reference'));
const BATCH = 64;
const T = ck.data.transforms;
const transform = new T.Compose([new T.Pad(2), new T.ToTensor(), new T.Normalize([0.286], [0.353])]);
const dataset = new ck.data.Subset(ck.data.loadFashionMNIST({ root: ck.data.BUILTIN_FASHION_MNIST, transform }), Array.from({ length: batches * BATCH }, (_, i) => i));

function setup(): [ck.nn.Module, ck.optim.Adam] {
  ck.manualSeed(0);
  const model = ck.models.lenet5({ activation: 'relu', pool: 'max' });
  return [model, new ck.optim.Adam(model.parameters(), { lr: 0.002 })];
}

// 1. kernels only, after a warm-up pass over the same batches (JIT, allocation)
const prepared = [...new ck.data.DataLoader(dataset, { batchSize: BATCH })];
const [model, optimizer] = setup();
const t = { forward: 0, backward: 0, optimizer: 0 };
for (const [i, [x, y]] of [...prepared.slice(0, 10), ...prepared].entries()) {
  const t0 = performance.now();
  const loss = ck.nn.functional.crossEntropy(model.forward(x) as ck.Tensor, y);
  loss.item();
  const t1 = performance.now();
  optimizer.zeroGrad();
  loss.backward();
  const t2 = performance.now();
  optimizer.step();
  const t3 = performance.now();
  if (i < 10) continue;
  t.forward += t1 - t0;
  t.backward += t2 - t1;
  t.optimizer += t3 - t2;
}
const kernelMs = t.forward + t.backward + t.optimizer;
const timed = prepared.length;
const perBatch = (ms: number): string => `${(ms / timed).toFixed(1)} ms`;
console.log(`backend ${ck.getBackend()}, LeNet-5 ReLU/max, batch ${BATCH}, ${timed} timed batches`);
console.log(`kernels only: ${((timed * BATCH) / (kernelMs / 1000)).toFixed(0)} img/s; per batch forward+loss ${perBatch(t.forward)}, backward ${perBatch(t.backward)}, optimiser ${perBatch(t.optimizer)}`);

// 2. the full loop
const [model2, optimizer2] = setup();
const history = await ck.train.fit(model2, new ck.data.DataLoader(dataset, { batchSize: BATCH, shuffle: true, generator: new ck.Generator(0) }), { optimizer: optimizer2, epochs: 1 });
const r = history.epochs[0];
const share = (s: number): string => `${((100 * s) / r.seconds).toFixed(1)}%`;
console.log(`ck.train.fit: ${r.imagesPerSecond.toFixed(0)} img/s; data ${share(r.timing.data)}, forward+loss ${share(r.timing.forward)}, backward ${share(r.timing.backward)}, optimiser ${share(r.timing.optimizer)}, other ${share(r.seconds - r.timing.data - r.timing.forward - r.timing.backward - r.timing.optimizer)}`);

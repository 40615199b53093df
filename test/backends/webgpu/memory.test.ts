/**
 * GPU memory stays flat over long training: 1,000 training steps of a small CNN on webgpu, through fit and through a hand-written
 * loop without dispose, end with the live device bytes (ck.memoryStats().webgpu) within 1% of step 100, and the
 * buffer pool's bytes no larger than at step 100. Batches of one image keep it quick on SwiftShader;
 * the code paths (forward, backward, Adam, scopes, the releaser, the pool) are the full-size ones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../../src/node.js';
import { findBackend } from '../../../src/backends/registry.js';
import type { WebGpuBackend } from '../../../src/backends/webgpu/index.js';
import { startWebgpu } from '../../helpers/webgpu.js';

const skip = await startWebgpu('test/backends/webgpu/memory.test.ts');
const T = ck.data.transforms;
const STEPS = 1000;

/** The first n images of the built-in Fashion-MNIST slice, padded to LeNet-5's 32×32, and int32 labels, on the host. */
function slice(n: number): [ck.Tensor, ck.Tensor] {
  return ck.withBackend('wasm', () => {
    const ds = ck.data.loadFashionMNIST({ root: ck.data.BUILTIN_FASHION_MNIST, train: true, transform: new T.Compose([new T.Pad(2), new T.ToTensor()]) });
    const items = Array.from({ length: n }, (_, i) => ds.getItem(i) as [ck.Tensor, number]);
    return [ck.stack(items.map(([x]) => x)), ck.tensor(items.map(([, y]) => y), { dtype: 'int32' })];
  });
}

interface Sample {
  live: number;
  pool: number;
  created: number;
}

function sample(): Sample {
  const stats = (findBackend('webgpu') as WebGpuBackend).stats();
  return { live: ck.memoryStats().webgpu?.bytes ?? 0, pool: stats.liveBytes + stats.pooledBytes, created: stats.created };
}

/**
 * Live bytes must be flat. The pool (live plus free buffers) is as large as the most buffers ever alive at once:
 * under fit's scopes that is the same every step, so it must not grow; in a hand-written loop intermediates come
 * back when the collector finds them, so its high-water mark follows the collector's timing (measured 1.2–1.6× step 100's; `poolSlack` 3): the
 * pool destroys what stays unused for 64 submissions (tested with a stand-in device in device.test.ts), and a
 * leaked tensor would show in the live bytes.
 */
function assertFlat(at100: Sample, atEnd: Sample, what: string, poolSlack: number): void {
  assert.ok(Math.abs(atEnd.live - at100.live) <= 0.01 * at100.live, `${what}: live bytes ${at100.live} at step 100, ${atEnd.live} at step ${STEPS}`);
  assert.ok(atEnd.pool <= at100.pool * poolSlack, `${what}: the pool held ${at100.pool} bytes at step 100, ${atEnd.pool} at step ${STEPS}`);
  process.stdout.write(`# ${what}: live ${at100.live} → ${atEnd.live} bytes, pool ${at100.pool} → ${atEnd.pool} bytes, ${atEnd.created - at100.created} buffers created after step 100\n`);
}

/**
 * A small CNN with every kind of layer LeNet-5 has, plus BatchNorm (running statistics are buffers updated in
 * place each step): a LeNet-5 step records ~220 dispatches, half a second of SwiftShader's CPU, and 2 × 1,000 of
 * them would take a quarter of an hour of CI; this one records a fraction of that on the same code paths.
 */
function smallCnn(seed: number): { model: ck.nn.Module; optimizer: ck.optim.Adam } {
  ck.manualSeed(seed);
  const nn = ck.nn;
  const model = new nn.Sequential(
    new nn.Conv2d(1, 4, 5, 2), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(4 * 7 * 7, 10),
  ).to('webgpu');
  return { model, optimizer: new ck.optim.Adam(model.parameters(), { lr: 1e-3 }) };
}

test(`${STEPS} training steps of a small CNN on webgpu through fit: live bytes and the pool flat after step 100`, { skip: skip ?? false }, async () => {
  const [x, y] = slice(4);
  const { model, optimizer } = smallCnn(1);
  const loader = new ck.data.DataLoader(new ck.data.TensorDataset(x, y), { batchSize: 1 });
  const seen: Sample[] = [];
  await ck.train.fit(model, loader, {
    optimizer, epochs: STEPS / 4, logInterval: 4,
    onBatch: (p) => {
      const step = (p.epoch - 1) * p.batches + p.batch;
      if (step === 100 || step === STEPS) seen.push(sample());
    },
  });
  assert.equal(seen.length, 2);
  assertFlat(seen[0], seen[1], 'fit', 1.01);
});

test(`${STEPS} training steps of a small CNN on webgpu in a hand-written loop without dispose: flat once the collector has run`, { skip: skip ?? false }, async () => {
  const { setFlagsFromString } = await import('node:v8');
  const { runInNewContext } = await import('node:vm');
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const settle = async (): Promise<Sample> => {
    // finalisation callbacks run as tasks after a collection, and one collection can leave some for the next
    for (let round = 0; round < 5; round++) {
      gc();
      await new Promise((r) => setTimeout(r, 10));
    }
    return sample();
  };
  const [x, y] = slice(2);
  const xs = x.to('webgpu');
  const ys = y.to('webgpu');
  const { model, optimizer } = smallCnn(2);
  let last = 0;
  let at100: Sample | null = null;
  for (let i = 1; i <= STEPS; i++) {
    optimizer.zeroGrad();
    const loss = ck.nn.functional.crossEntropy(model.forward(xs) as ck.Tensor, ys);
    loss.backward();
    optimizer.step();
    // read now and then, as a loop that prints its loss does; between reads the steps are only recorded
    if (i % 10 === 0) last = (await loss.data())[0];
    if (i === 100) at100 = await settle();
  }
  const atEnd = await settle();
  assert.ok(Number.isFinite(last) && last < 0.5, `two images are learnt: loss ${last}`);
  assert.ok(at100);
  assertFlat(at100, atEnd, 'hand-written loop', 3);
});

/**
 * The strict test device refuses every synchronous read and has only the required kernels: training LeNet-5
 * through fit and evaluate, summary, saving and loading all run on it, so no library path reads a tensor
 * synchronously or needs an optional kernel. Its memory is counted like a GPU's: 1,000 training steps through
 * fit leave live bytes where they were at step 100, and so does a hand-written loop without dispose.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../../src/node.js';
import { registerStrictBackend } from '../../../src/backends/strict.js';

const T = ck.data.transforms;
await ck.ready();
registerStrictBackend();

/** The first n images of the built-in Fashion-MNIST slice, padded to LeNet-5's 32×32, and int32 labels, on the host. */
function slice(n: number, train: boolean): [ck.Tensor, ck.Tensor] {
  const ds = ck.data.loadFashionMNIST({ root: ck.data.BUILTIN_FASHION_MNIST, train, transform: new T.Compose([new T.Pad(2), new T.ToTensor()]) });
  const xs: ck.Tensor[] = [];
  const ys: number[] = [];
  for (let i = 0; i < n; i++) {
    const [x, y] = ds.getItem(i) as [ck.Tensor, number];
    xs.push(x);
    ys.push(y);
  }
  return [ck.stack(xs), ck.tensor(ys, { dtype: 'int32' })];
}

const live = (): number => ck.memoryStats().strict?.bytes ?? 0;

test('synchronous reads are refused with the fix named; toString prints what is known', () => ck.withBackend('strict', () => {
  const t = ck.tensor([[1, 2], [3, 4]]);
  assert.equal(t.device, 'strict');
  assert.throws(() => t.sum().item(), /item: a strict tensor is read with `await t.data\(\)`/);
  assert.throws(() => t.dataSync(), /dataSync: a strict tensor is read with `await t.data\(\)`/);
  assert.throws(() => t.toArray(), /toArray: a strict tensor/);
  assert.equal(String(t), "tensor(<values on the device>, size=(2, 2), dtype=float32, device='strict')");
}));

test('LeNet-5 trains with fit and is evaluated on the strict device; summary, save and load run there too', async () => {
  ck.manualSeed(0);
  const [x, y] = slice(256, true);
  const [xt, yt] = slice(128, false);
  const model = ck.models.lenet5({ numClasses: 10, activation: 'relu', pool: 'max' }).to('strict');
  assert.ok(model.parameters().every((p) => p.device === 'strict'));
  const loader = new ck.data.DataLoader(new ck.data.TensorDataset(x, y), { batchSize: 32, shuffle: true });
  const optimizer = new ck.optim.Adam(model.parameters(), { lr: 3e-3 });
  const history = await ck.train.fit(model, loader, { optimizer, epochs: 3, logInterval: 4 });
  assert.equal(history.epochs.length, 3);
  assert.ok(history.epochs[2].trainLoss < history.epochs[0].trainLoss, `loss falls: ${history.epochs.map((e) => e.trainLoss)}`);
  const ev = await ck.train.evaluate(model, new ck.data.DataLoader(new ck.data.TensorDataset(xt, yt), { batchSize: 64 }));
  assert.equal(ev.count, 128);
  // chance is 0.1
  assert.ok(ev.accuracy > 0.3, `accuracy ${ev.accuracy}`);
  assert.equal(ev.confusionMatrix.flat().reduce((a, b) => a + b, 0), 128);

  const s = ck.summary(model, [1, 1, 32, 32]);
  assert.equal(s.totalParams, 61706);

  const bytes = await ck.io.saveSafetensorsAsync(model.stateDict());
  assert.throws(() => ck.io.saveSafetensors(model.stateDict()), /dataSync: a strict tensor is read with `await t.data\(\)`/);
  const copy = ck.models.lenet5({ numClasses: 10, activation: 'relu', pool: 'max' }).to('strict');
  copy.loadStateDict(ck.io.loadSafetensors(bytes));
  const probe = xt.narrow(0, 0, 8).to('strict');
  const [a, b] = await Promise.all([model.eval().forward(probe).data(), copy.eval().forward(probe).data()]);
  assert.deepEqual(Array.from(b), Array.from(a));
});

test('1,000 LeNet-5 steps through fit: live device bytes at the end within 1% of step 100', async () => {
  ck.manualSeed(1);
  const [x, y] = slice(4, true);
  const model = ck.models.lenet5({ numClasses: 10, activation: 'relu', pool: 'max' }).to('strict');
  const optimizer = new ck.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  // 1,000 batches of one image (small, so the test is quick): 250 passes over 4 images
  const loader = new ck.data.DataLoader(new ck.data.TensorDataset(x, y), { batchSize: 1 });
  const seen: number[] = [];
  await ck.train.fit(model, loader, {
    optimizer, epochs: 250, logInterval: 4,
    onBatch: (p) => {
      const step = (p.epoch - 1) * p.batches + p.batch;
      if (step === 100 || step === 1000) seen.push(live());
    },
  });
  assert.equal(seen.length, 2);
  assert.ok(Math.abs(seen[1] - seen[0]) <= 0.01 * seen[0], `live bytes ${seen[0]} at step 100, ${seen[1]} at step 1000`);
});

test('a hand-written loop without dispose stays flat: the safety net frees what the collector finds', async () => {
  const { setFlagsFromString } = await import('node:v8');
  const { runInNewContext } = await import('node:vm');
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const settle = async (): Promise<number> => {
    gc();
    // finalisation callbacks run as tasks after a collection
    await new Promise((r) => setTimeout(r, 0));
    await new Promise((r) => setTimeout(r, 0));
    return live();
  };
  ck.manualSeed(2);
  const [x, y] = slice(2, true);
  const xs = x.to('strict');
  const ys = y.to('strict');
  const model = ck.models.lenet5({ numClasses: 10, activation: 'relu', pool: 'max' }).to('strict');
  const optimizer = new ck.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const step = async (): Promise<number> => {
    optimizer.zeroGrad();
    const loss = ck.nn.functional.crossEntropy(model.forward(xs), ys);
    loss.backward();
    optimizer.step();
    return (await loss.data())[0];
  };
  for (let i = 0; i < 100; i++) await step();
  const at100 = await settle();
  for (let i = 0; i < 200; i++) await step();
  const at300 = await settle();
  assert.ok(Math.abs(at300 - at100) <= 0.01 * at100, `live bytes ${at100} after 100 steps, ${at300} after 300`);
});

test('scopes free what they created and did not return, sync and async; dispose frees at once', async () => {
  const on = { device: 'strict' };
  // the scalar constants 1 and 2 are cached per device (kept): create them first
  ck.scope(() => ck.ones([1], on).mul(2).add(1));
  const before = live();
  const kept = ck.scope(() => {
    const a = ck.ones([100], on);
    const b = a.mul(2);
    return { b, list: [b.add(1)] };
  });
  assert.equal(live() - before, 2 * 400, 'two returned tensors survive, the third is freed');
  await assert.rejects(ck.scope(async () => {
    ck.ones([50], on);
    await Promise.resolve();
    throw new Error('boom');
  }), /boom/);
  assert.equal(live() - before, 800, 'a rejected async scope frees too');
  const r = await ck.scope(async () => {
    await Promise.resolve();
    return ck.ones([10], on).add(1);
  });
  assert.equal(live() - before, 840);
  kept.b.dispose();
  assert.equal(live() - before, 440);
  assert.throws(() => kept.b.add(1), /the tensor was disposed/);
  assert.deepEqual(Array.from(await r.data()), new Array(10).fill(2));
});

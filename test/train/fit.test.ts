/** ck.train.fit and evaluate: learning, history, early stopping, NaN guard, checkpoints and exact resume. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ck from '../../src/node.js';

const { nn, optim } = ck;

/** Three Gaussian blobs in 4-D (class c centred at 2·e_c): separable, so a small MLP must learn them. */
function blobs(n: number, seed: number): ck.data.TensorDataset {
  const g = new ck.Generator(seed);
  const x = new Float32Array(n * 4);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let d = 0; d < 4; d++) x[i * 4 + d] = g.normal() * 0.7 + (d === y[i] ? 2 : 0);
  }
  return new ck.data.TensorDataset(ck.tensor(x, { shape: [n, 4] }), ck.tensor(y));
}

function mlp(seed: number): ck.nn.Module {
  ck.manualSeed(seed);
  return new nn.Sequential(new nn.Linear(4, 16), new nn.ReLU(), new nn.Dropout({ p: 0.2 }), new nn.Linear(16, 3));
}

const loaderOf = (ds: ck.data.TensorDataset, seed: number): ck.data.DataLoader<ck.Tensor[], ck.Tensor[]> =>
  new ck.data.DataLoader(ds, { batchSize: 16, shuffle: true, generator: new ck.Generator(seed) });

function weights(model: ck.nn.Module): number[][] {
  return Object.values(model.stateDict()).map((t) => Array.from(t.dataSync()));
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'ck-fit-'));
}

test('fit learns separable blobs; the history has one record per epoch with time split into parts', async () => {
  const model = mlp(0);
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const seen: number[] = [];
  const history = await ck.train.fit(model, loaderOf(blobs(240, 1), 2), {
    optimizer, epochs: 3, valLoader: new ck.data.DataLoader(blobs(90, 3), { batchSize: 30 }),
    onEpoch: (r) => {
      seen.push(r.epoch);
    },
  });
  assert.equal(history.stopReason, 'completed');
  assert.deepEqual(seen, [1, 2, 3]);
  const [first, , last] = history.epochs;
  assert.ok(last.trainLoss < first.trainLoss, `train loss ${first.trainLoss} -> ${last.trainLoss}`);
  assert.ok(last.valAccuracy! > 0.9, `validation accuracy ${last.valAccuracy}`);
  assert.equal(last.lr, 0.1);
  assert.ok(last.imagesPerSecond > 0 && last.seconds > 0);
  const parts = last.timing.data + last.timing.forward + last.timing.backward + last.timing.optimizer;
  assert.ok(parts > 0 && parts <= last.seconds * 1.01, `timing ${JSON.stringify(last.timing)} within ${last.seconds} s`);
});

test('evaluate: loss, accuracy, top-k and the confusion matrix of known logits', async () => {
  // the model passes logits through, so every number below follows from these rows by hand
  class PassThrough extends nn.Module {
    forward(x: ck.Tensor): ck.Tensor {
      return x;
    }
  }
  const logits = ck.tensor([[3, 1, 0], [0, 2, 1], [1, 0, 2], [2, 0, 1], [0, 3, 2]]);
  const targets = ck.tensor([0, 2, 2, 1, 2], { dtype: 'int32' });
  const result = await ck.train.evaluate(new PassThrough(), new ck.data.DataLoader(new ck.data.TensorDataset(logits, targets), { batchSize: 2 }), { topk: [1, 2] });
  assert.equal(result.count, 5);
  assert.equal(result.accuracy, 2 / 5); // rows 0 and 2 are right
  assert.equal(result.topk[2], 4 / 5); // rows 1 and 4 have the target second; row 3's target is last
  assert.deepEqual(result.confusionMatrix, [[1, 0, 0], [1, 0, 0], [0, 2, 1]]);
  assert.deepEqual(result.perClassAccuracy, [1, 0, 1 / 3]);
  const expectedLoss = ck.nn.functional.crossEntropy(logits, targets).item();
  assert.ok(Math.abs(result.loss - expectedLoss) < 1e-6);
  assert.deepEqual(Array.from(result.predictions), [0, 1, 2, 0, 1]);
  // a metric averaged over samples: batches of 2, 2 and 1 rows of 3 logits give the mean of all 15, 18 / 15
  const withMetric = await ck.train.evaluate(new PassThrough(), new ck.data.DataLoader(new ck.data.TensorDataset(logits, targets), { batchSize: 2 }), { metrics: { meanLogit: (out) => out.mean().item() } });
  assert.ok(Math.abs(withMetric.metrics.meanLogit - 1.2) < 1e-6);
});

test('schedulers: one-cycle steps per batch, plateau schedules read the monitored loss', async () => {
  const ds = blobs(64, 1);
  const model = mlp(5);
  const sgd = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const loader = loaderOf(ds, 1);
  // 2 epochs x 4 batches: OneCycleLR refuses more than 8 steps, so a per-epoch step on top would fail
  const oneCycle = new optim.lrScheduler.OneCycleLR(sgd, 0.1, { epochs: 2, stepsPerEpoch: loader.length });
  const h = await ck.train.fit(model, loader, { optimizer: sgd, scheduler: oneCycle, epochs: 2 });
  assert.ok(Math.abs(h.epochs[0].lr - 0.1 / 25) < 1e-12, 'the cycle starts at maxLr / divFactor');
  assert.ok(h.epochs[1].lr > h.epochs[0].lr);
  // a constant loss never improves: with patience 0 the lr halves from the second epoch on
  const frozen = mlp(6);
  const opt2 = new optim.SGD(frozen.parameters(), { lr: 0.1 });
  const plateau = new optim.lrScheduler.ReduceLROnPlateau(opt2, { patience: 0, factor: 0.5 });
  const flat = (out: ck.Tensor): ck.Tensor => out.mul(0).sum().add(1);
  const h2 = await ck.train.fit(frozen, loader, { optimizer: opt2, scheduler: plateau, epochs: 3, loss: flat, metrics: { maxLogit: (out) => out.max().item() } });
  assert.deepEqual(h2.epochs.map((r) => r.lr), [0.1, 0.1, 0.05]);
  assert.ok(Number.isFinite(h2.epochs[0].metrics.maxLogit));
});

test('a run interrupted after epoch 2 and resumed ends with the same weights as an uninterrupted one', async () => {
  const train = blobs(96, 4);
  const run = async (dir: string | undefined, epochs: number, resume: boolean, initSeed: number): Promise<[ck.nn.Module, ck.train.History]> => {
    const model = mlp(initSeed);
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9, weightDecay: 1e-3 });
    const scheduler = new optim.lrScheduler.StepLR(optimizer, 1, { gamma: 0.8 });
    if (!resume) ck.manualSeed(100); // dropout's stream, restored from the checkpoint on resume
    const history = await ck.train.fit(model, loaderOf(train, 5), { optimizer, scheduler, epochs, checkpointDir: dir, resume });
    return [model, history];
  };
  const [reference, full] = await run(undefined, 4, false, 0);
  const dir = tmp();
  try {
    await run(dir, 2, false, 0);
    assert.deepEqual(readdirSync(dir).sort(), ['checkpoint-2.safetensors', 'checkpoint.json']);
    // a fresh process would build the model anew (here with other initial weights); the checkpoint replaces them
    const [resumed, rest] = await run(dir, 4, true, 77);
    assert.deepEqual(weights(resumed), weights(reference));
    assert.deepEqual(rest.epochs.map((r) => [r.trainLoss, r.lr]), full.epochs.map((r) => [r.trainLoss, r.lr]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an abort mid-epoch saves a checkpoint that resumes the same epoch in the same order', async () => {
  const train = blobs(96, 6);
  const make = (): [ck.nn.Module, ck.optim.Adam] => {
    const model = mlp(1);
    return [model, new optim.Adam(model.parameters(), { lr: 0.01 })];
  };
  const [reference, refOpt] = make();
  ck.manualSeed(9);
  await ck.train.fit(reference, loaderOf(train, 7), { optimizer: refOpt, epochs: 2 });
  const dir = tmp();
  try {
    const [model, optimizer] = make();
    const controller = new AbortController();
    ck.manualSeed(9);
    const stopped = await ck.train.fit(model, loaderOf(train, 7), {
      optimizer, epochs: 2, checkpointDir: dir, signal: controller.signal,
      onBatch: (p) => {
        if (p.epoch === 1 && p.batch === 3) controller.abort();
      },
    });
    assert.equal(stopped.stopReason, 'interrupted');
    assert.equal(stopped.epochs.length, 0);
    assert.ok(readdirSync(dir).includes('checkpoint-0-3.safetensors'));
    const [resumed, resumedOpt] = make();
    const done = await ck.train.fit(resumed, loaderOf(train, 7), { optimizer: resumedOpt, epochs: 2, checkpointDir: dir, resume: true });
    assert.equal(done.stopReason, 'completed');
    assert.deepEqual(weights(resumed), weights(reference));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a non-finite loss stops training with an error naming the epoch and the batch', async () => {
  const model = mlp(2);
  let calls = 0;
  const loss = (out: ck.Tensor, y: ck.Tensor): ck.Tensor => (++calls === 9 ? ck.nn.functional.crossEntropy(out, y).mul(Infinity) : ck.nn.functional.crossEntropy(out, y));
  await assert.rejects(
    ck.train.fit(model, loaderOf(blobs(64, 1), 1), { optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), epochs: 3, loss }),
    /fit: the loss is Infinity at epoch 3, batch 1 of 4; training stopped/,
  );
});

test('early stopping ends training when the monitored loss stops improving', async () => {
  const model = mlp(3);
  // lr 0 freezes the model: the validation loss never improves after epoch 1
  const history = await ck.train.fit(model, loaderOf(blobs(48, 1), 1), {
    optimizer: new optim.SGD(model.parameters(), { lr: 0 }), epochs: 10,
    valLoader: new ck.data.DataLoader(blobs(30, 2), { batchSize: 30 }),
    earlyStopping: new optim.EarlyStopping({ patience: 2 }),
  });
  assert.equal(history.stopReason, 'earlyStopping');
  assert.equal(history.epochs.length, 3);
});

test('fit and resume reject inconsistent options and checkpoints clearly', async () => {
  const model = mlp(4);
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
  const loader = loaderOf(blobs(32, 1), 1);
  await assert.rejects(ck.train.fit(model, loader, { optimizer, epochs: 0 }), /fit: epochs must be a positive integer, got 0/);
  await assert.rejects(ck.train.fit(model, loader, { optimizer, monitor: 'valAccuracy' }), /fit: monitor 'valAccuracy' needs a valLoader/);
  await assert.rejects(ck.train.fit(model, loader, { optimizer, resume: true }), /fit: resume needs a checkpointStore/);
  const dir = tmp();
  try {
    await assert.rejects(ck.train.fit(model, loader, { optimizer, resume: true, checkpointDir: dir }), /fit: resume requested, but .* holds no checkpoint/);
    await ck.train.fit(model, loader, { optimizer, checkpointDir: dir });
    const adam = new optim.Adam(model.parameters(), { lr: 0.1 });
    await assert.rejects(ck.train.fit(model, loader, { optimizer: adam, epochs: 2, resume: true, checkpointDir: dir }), /resume: the checkpoint in .* was saved with optimizer SGD, but fit was given Adam/);
    writeFileSync(join(dir, 'checkpoint.json'), '{"tensorsFile": "gone.safetensors"}');
    await assert.rejects(ck.train.fit(model, loader, { optimizer, epochs: 2, resume: true, checkpointDir: dir }), /checkpoint\.json names tensors file gone\.safetensors, which is missing/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Checkpoints under kills and faults: a lagging manifest, a corrupt newest file, temporary files of killed writes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ck from '../../src/node.js';
import { directoryCheckpointStore } from '../../src/train/node/checkpoint-dir.js';

const { nn, optim } = ck;

function blobs(n: number): ck.data.TensorDataset {
  const g = new ck.Generator(3);
  const x = new Float32Array(n * 4);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let d = 0; d < 4; d++) x[i * 4 + d] = g.normal() * 0.7 + (d === y[i] ? 2 : 0);
  }
  return new ck.data.TensorDataset(ck.tensor(x, { shape: [n, 4] }), ck.tensor(y));
}

const train = blobs(64);

/** Trains (or resumes) to `epochs`; a fresh model each time, as a new process would build. */
async function run(dir: string | undefined, epochs: number, resume = false): Promise<{ weights: number[][]; history: ck.train.History; trained: number[] }> {
  ck.manualSeed(resume ? 99 : 0);
  const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3));
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const loader = new ck.data.DataLoader(train, { batchSize: 16, shuffle: true, generator: new ck.Generator(1) });
  const trained: number[] = [];
  const history = await ck.train.fit(model, loader, { optimizer, epochs, checkpointDir: dir, resume, onEpoch: (r) => void trained.push(r.epoch) });
  return { weights: Object.values(model.stateDict()).map((t) => Array.from(t.dataSync())), history, trained };
}

function scratch(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'ck-ckpt-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a kill between the tensors file and the manifest loses nothing: resume takes the newest complete checkpoint', async (t) => {
  const reference = await run(undefined, 3);
  const dir = scratch(t);
  await run(dir, 1);
  copyFileSync(join(dir, 'checkpoint.json'), join(dir, 'manifest-1'));
  copyFileSync(join(dir, 'checkpoint-1.safetensors'), join(dir, 'saved-1'));
  await run(dir, 2, true);
  // the state a kill leaves after checkpoint-2.safetensors was renamed into place, before checkpoint.json was
  copyFileSync(join(dir, 'manifest-1'), join(dir, 'checkpoint.json'));
  copyFileSync(join(dir, 'saved-1'), join(dir, 'checkpoint-1.safetensors'));
  const resumed = await run(dir, 3, true);
  assert.equal(resumed.history.epochs.length, 3);
  assert.deepEqual(resumed.trained, [3], 'epoch 2, on disk before the kill, is not trained again');
  assert.deepEqual(resumed.weights, reference.weights, 'resumed from epoch 2: the same model as an uninterrupted run');
  assert.deepEqual(resumed.history.epochs.map((e) => e.trainLoss), reference.history.epochs.map((e) => e.trainLoss));
});

test('a corrupt newest checkpoint falls back to the previous complete one, with a warning naming it', async (t) => {
  const dir = scratch(t);
  await run(dir, 1);
  copyFileSync(join(dir, 'checkpoint-1.safetensors'), join(dir, 'saved-1'));
  copyFileSync(join(dir, 'checkpoint.json'), join(dir, 'manifest-1'));
  await run(dir, 2, true);
  copyFileSync(join(dir, 'saved-1'), join(dir, 'checkpoint-1.safetensors'));
  copyFileSync(join(dir, 'manifest-1'), join(dir, 'checkpoint.json'));
  truncateSync(join(dir, 'checkpoint-2.safetensors'), 100);
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (m: string) => void warnings.push(m);
  try {
    const loaded = await directoryCheckpointStore(dir).load();
    assert.equal(loaded?.meta.epoch, 1);
  } finally {
    console.warn = warn;
  }
  assert.match(warnings.join('\n'), /skipped incomplete checkpoints .*checkpoint-2\.safetensors \(loadSafetensors: truncated file/);
});

test('a manifest never resumes from a checkpoint older than the one it names', async (t) => {
  const dir = scratch(t);
  await run(dir, 2);
  rmSync(join(dir, 'checkpoint-2.safetensors'));
  writeFileSync(join(dir, 'checkpoint-1.safetensors'), new Uint8Array(0));
  await assert.rejects(directoryCheckpointStore(dir).load(), /checkpoint\.json names tensors file checkpoint-2\.safetensors, which is missing/);
});

test('temporary files of killed writes are removed when a checkpoint directory is opened; live writers\' are kept', async (t) => {
  const dir = scratch(t);
  await run(dir, 1);
  const dead = 'checkpoint-2.safetensors.4194303.mabc123.tmp';
  const mine = `checkpoint.json.${process.pid}.mabc124.tmp`;
  writeFileSync(join(dir, dead), 'half a file');
  writeFileSync(join(dir, mine), 'being written');
  directoryCheckpointStore(dir);
  assert.ok(!existsSync(join(dir, dead)), 'a dead process\'s temporary file is removed');
  assert.ok(existsSync(join(dir, mine)), 'a live process\'s temporary file stays');
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.safetensors')), ['checkpoint-1.safetensors']);
});

test('each checkpoint file holds its own training state (the manifest is an index, not the only copy)', async (t) => {
  const dir = scratch(t);
  await run(dir, 1);
  rmSync(join(dir, 'checkpoint.json'));
  const loaded = await directoryCheckpointStore(dir).load();
  assert.equal(loaded?.meta.epoch, 1);
  assert.equal(loaded?.meta.format, 'convkit-checkpoint');
});

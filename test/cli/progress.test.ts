/** The training display: a redrawn bar on a terminal, one line per epoch everywhere. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Progress } from '../../src/cli/progress.js';
import { duration } from '../../src/cli/format.js';
import type { EpochRecord } from '../../src/train/history.js';

const record: EpochRecord = { epoch: 2, trainLoss: 0.51234, trainAccuracy: 0.8123, valLoss: 0.4, valAccuracy: 0.85, lr: 0.002, seconds: 41.25, imagesPerSecond: 218.4, timing: { data: 1, forward: 12, backward: 22, optimizer: 5 }, metrics: {} };

test('on a terminal: a bar with loss, running accuracy, images/s and ETA, redrawn in place', () => {
  let out = '';
  const p = new Progress({ write: (s) => void (out += s), isTTY: true, columns: 200 });
  // 10 of 40 batches in 5 s: 640 images -> 128 img/s, and 30 more batches at 0.5 s each -> ETA 0:15
  p.batch({ epoch: 2, epochs: 3, batch: 10, batches: 40, loss: 0.61234, accuracy: 0.75, images: 640, seconds: 5 });
  assert.match(out, /^\repoch 2\/3 █{6}░{18} 10\/40 {2}loss 0\.6123 {2}acc 75\.00% {2}128 img\/s {2}ETA 0:15\x1b\[K$/);
  p.epoch(record, 3);
  assert.match(out, /\r\x1b\[Kepoch 2\/3 {2}train loss 0\.5123 acc 81\.23% {2}val loss 0\.4000 acc 85\.00% {2}lr 0\.00200 {2}41\.3 s {2}218 img\/s\n$/);
});

test('elsewhere: nothing per batch, one line per epoch', () => {
  let out = '';
  const p = new Progress({ write: (s) => void (out += s) });
  p.batch({ epoch: 1, epochs: 1, batch: 1, batches: 2, loss: 1, accuracy: 0.5, images: 64, seconds: 1 });
  assert.equal(out, '');
  p.epoch({ ...record, valLoss: null, valAccuracy: null }, 3);
  assert.equal(out, 'epoch 2/3  train loss 0.5123 acc 81.23%  lr 0.00200  41.3 s  218 img/s\n');
  assert.equal(duration(3725), '1:02:05');
  assert.equal(duration(65), '1:05');
});

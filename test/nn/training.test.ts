/**
 * The acceptance test: tools/gen_training_fixture.py's PyTorch training script, transcribed line by
 * line, gives the same losses step by step on the same Fashion-MNIST images (test/fixtures/train_cnn.json).
 * docs/training.md shows the two scripts side by side.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { assertClose, fromSpec, loadFixture, type TensorSpec } from '../helpers/index.js';

const { nn, optim } = ck;
const F = nn.functional;

interface TrainingFixture {
  pixels: number[];
  labels: number[];
  initial: Record<string, TensorSpec>;
  permutations: number[][];
  losses: number[];
  gradNorms: number[];
  val: { loss: number; correct: number; lr: number }[];
  final: Record<string, TensorSpec>;
}
const fx = loadFixture<TrainingFixture>('train_cnn');

// ---- the transcription ----
class SmallCNN extends nn.Module {
  conv1 = new nn.Conv2d(1, 4, 3, { padding: 1 });
  bn1 = new nn.BatchNorm2d(4);
  pool = new nn.MaxPool2d(2);
  conv2 = new nn.Conv2d(4, 8, 3);
  fc1 = new nn.Linear(8 * 2 * 2, 16);
  fc2 = new nn.Linear(16, 10);

  forward(x: ck.Tensor): ck.Tensor {
    x = this.pool.forward(F.relu(this.bn1.forward(this.conv1.forward(x))));
    x = this.pool.forward(F.relu(this.conv2.forward(x)));
    x = ck.flatten(x, 1);
    return this.fc2.forward(F.relu(this.fc1.forward(x)));
  }
}

const xAll = ck.div(ck.sub(ck.div(ck.unsqueeze(ck.tensor(fx.pixels, { shape: [96, 14, 14] }), 1), 1020), 0.2860), 0.3530);
const yAll = ck.tensor(fx.labels, { dtype: 'int32' });
const [xTrain, yTrain, xVal, yVal] = [ck.slice(xAll, 0, 0, 64), ck.slice(yAll, 0, 0, 64), ck.slice(xAll, 0, 64), ck.slice(yAll, 0, 64)];

function train(): { model: SmallCNN; losses: number[]; gradNorms: number[]; val: { loss: number; correct: number; lr: number }[] } {
  const model = new SmallCNN();
  // the one line with no PyTorch counterpart: start from PyTorch's random initial weights
  model.loadStateDict(Object.fromEntries(Object.entries(fx.initial).map(([k, s]) => [k, fromSpec(s)])));
  const criterion = new nn.CrossEntropyLoss({ labelSmoothing: 0.1 });
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
  const scheduler = new optim.lrScheduler.StepLR(optimizer, 2, { gamma: 0.5 });

  const losses: number[] = [];
  const gradNorms: number[] = [];
  const val: { loss: number; correct: number; lr: number }[] = [];
  for (let epoch = 0; epoch < 3; epoch++) {
    model.train();
    const perm = ck.tensor(fx.permutations[epoch], { dtype: 'int32' }); // torch.randperm(64): PyTorch's random stream
    for (let i = 0; i < 64; i += 16) {
      const idx = ck.slice(perm, 0, i, i + 16);
      optimizer.zeroGrad();
      const loss = criterion.forward(model.forward(indexSelect(xTrain, idx)), indexSelect(yTrain, idx));
      loss.backward();
      gradNorms.push(nn.utils.clipGradNorm_(model.parameters(), 5.0).item());
      optimizer.step();
      losses.push(loss.item());
    }
    scheduler.step();
    model.eval();
    ck.noGrad(() => {
      const out = model.forward(xVal);
      val.push({ loss: F.crossEntropy(out, yVal).item(), correct: ck.sum(ck.eq(ck.argmax(out, 1), yVal)).item(), lr: scheduler.getLastLr()[0] });
    });
  }
  return { model, losses, gradNorms, val };
}
// ---- end of the transcription ----

/** x[idx] along dim 0 (PyTorch's advanced indexing with an index tensor), by gather. */
function indexSelect(x: ck.Tensor, idx: ck.Tensor): ck.Tensor {
  const rest = x.shape.slice(1);
  const index = ck.expand(ck.reshape(idx, [idx.shape[0], ...rest.map(() => 1)]), [idx.shape[0], ...rest]);
  return ck.gather(x, 0, ck.contiguous(index));
}

test('a PyTorch training script transcribed line by line gives the same losses, step by step', () => {
  const run = train();
  assert.equal(run.losses.length, fx.losses.length);
  run.losses.forEach((l, i) => assert.ok(Math.abs(l - fx.losses[i]) <= 1e-5 * Math.abs(fx.losses[i]), `loss at step ${i}: ${l} vs PyTorch ${fx.losses[i]}`));
  run.gradNorms.forEach((n, i) => assert.ok(Math.abs(n - fx.gradNorms[i]) <= 1e-4 * fx.gradNorms[i], `gradient norm at step ${i}: ${n} vs PyTorch ${fx.gradNorms[i]}`));
  run.val.forEach((v, e) => {
    assert.ok(Math.abs(v.loss - fx.val[e].loss) <= 1e-5 * fx.val[e].loss, `validation loss after epoch ${e}: ${v.loss} vs PyTorch ${fx.val[e].loss}`);
    assert.equal(v.correct, fx.val[e].correct, `validation accuracy after epoch ${e}`);
    assert.equal(v.lr, fx.val[e].lr, `lr after epoch ${e}`);
  });
  const final = run.model.stateDict();
  for (const [k, s] of Object.entries(fx.final)) assertClose(final[k], s, { rtol: 1e-5, atol: 1e-6 }, `final ${k}`);
});

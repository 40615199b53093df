/** Learning-rate schedules against PyTorch 1.13 (test/fixtures/lr_schedulers.json): the lr of two groups, epoch by epoch. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { loadFixture } from '../helpers/index.js';

const { optim } = ck;
const S = optim.lrScheduler;
type Opt = ck.optim.Optimizer<{ lr: number }>;

interface Sequence {
  lrs: number[][];
  momenta: number[][];
}
const fx = loadFixture<{ plateauMetrics: number[]; cases: Record<string, Sequence>; restartEpochs: number[]; restartCases: Record<string, Sequence> }>('lr_schedulers');

/** Epoch schedulers step with no argument, ReduceLROnPlateau with the metric. */
interface Stepper {
  step(metric: number): void;
  getLastLr(): number[];
}

/** The convkit transcription of each scheduler in the generator. */
const CASES: Record<string, [(o: Opt) => Stepper] | [(o: Opt) => Stepper, 'adam']> = {
  'StepLR(3, gamma=0.5)': [(o) => new S.StepLR(o, 3, { gamma: 0.5 })],
  'MultiStepLR([2,5,5,8], gamma=0.3)': [(o) => new S.MultiStepLR(o, [2, 5, 5, 8], { gamma: 0.3 })],
  'ConstantLR(factor=0.5, totalIters=4)': [(o) => new S.ConstantLR(o, { factor: 0.5, totalIters: 4 })],
  'LinearLR(0.25, 1, 4)': [(o) => new S.LinearLR(o, { startFactor: 0.25, endFactor: 1, totalIters: 4 })],
  'LinearLR(1, 0.1, 6)': [(o) => new S.LinearLR(o, { startFactor: 1, endFactor: 0.1, totalIters: 6 })],
  'ExponentialLR(0.9)': [(o) => new S.ExponentialLR(o, 0.9)],
  'CosineAnnealingLR(5, etaMin=0.01)': [(o) => new S.CosineAnnealingLR(o, 5, { etaMin: 0.01 })],
  'PolynomialLR(6, power=2)': [(o) => new S.PolynomialLR(o, { totalIters: 6, power: 2 })],
  'CosineAnnealingWarmRestarts(3, tMult=2)': [(o) => new S.CosineAnnealingWarmRestarts(o, 3, { tMult: 2, etaMin: 0.001 })],
  'LambdaLR(0.95^e)': [(o) => new S.LambdaLR(o, (e) => 0.95 ** e)],
  'MultiplicativeLR(0.9)': [(o) => new S.MultiplicativeLR(o, () => 0.9)],
  'SequentialLR(LinearLR, CosineAnnealingLR)': [(o) => new S.SequentialLR(o, [new S.LinearLR(o, { startFactor: 0.1, totalIters: 3 }), new S.CosineAnnealingLR(o, 6)], [3])],
  'SequentialLR(ConstantLR, ExponentialLR, StepLR)': [
    (o) => new S.SequentialLR(o, [new S.ConstantLR(o, { factor: 0.2, totalIters: 2 }), new S.ExponentialLR(o, 0.8), new S.StepLR(o, 2)], [2, 6]),
  ],
  'ChainedScheduler(ConstantLR, ExponentialLR)': [(o) => new S.ChainedScheduler([new S.ConstantLR(o, { factor: 0.1, totalIters: 2 }), new S.ExponentialLR(o, 0.9)])],
  'OneCycleLR(SGD)': [(o) => new S.OneCycleLR(o, [1, 0.5], { totalSteps: 20 })],
  'OneCycleLR(Adam, linear, threePhase)': [
    (o) => new S.OneCycleLR(o, 0.3, { epochs: 4, stepsPerEpoch: 5, annealStrategy: 'linear', threePhase: true, pctStart: 0.25 }),
    'adam',
  ],
  'ReduceLROnPlateau(min, patience 2, cooldown 1)': [(o) => new S.ReduceLROnPlateau(o, { patience: 2, cooldown: 1, factor: 0.5, minLr: [0.01, 0.02] })],
  'ReduceLROnPlateau(max, abs)': [(o) => new S.ReduceLROnPlateau(o, { mode: 'max', patience: 1, threshold: 0.05, thresholdMode: 'abs' })],
};

function optimizer(kind: 'sgd' | 'adam' = 'sgd'): Opt {
  const groups = [{ params: [new ck.nn.Parameter(ck.zeros([1]))] }, { params: [new ck.nn.Parameter(ck.zeros([1]))], lr: 0.05 }];
  return kind === 'sgd' ? new optim.SGD(groups, { lr: 0.1, momentum: 0.9 }) : new optim.Adam(groups, { lr: 0.1 });
}

const momenta = (o: Opt): number[] => o.paramGroups.map((g) => (typeof g.momentum === 'number' ? g.momentum : (g.betas as number[])[0]));

function closeList(actual: number[], expected: number[], what: string): void {
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) <= 1e-12 + 1e-10 * Math.abs(expected[i]), `${what}: ${a} vs PyTorch ${expected[i]}`));
}

for (const [name, expected] of Object.entries(fx.cases)) {
  test(`${name}: the lr epoch by epoch matches PyTorch`, () => {
    assert.ok(CASES[name], `no convkit transcription for fixture case ${name}`);
    const [make, kind] = CASES[name];
    const opt = optimizer(kind);
    const sched = make(opt);
    const metric = name.startsWith('ReduceLROnPlateau');
    closeList(opt.paramGroups.map((g) => g.lr), expected.lrs[0], 'lr after construction');
    closeList(momenta(opt), expected.momenta[0], 'momentum after construction');
    for (let e = 1; e < expected.lrs.length; e++) {
      opt.step();
      if (metric) sched.step(fx.plateauMetrics[e - 1]);
      else (sched as unknown as { step(): void }).step();
      closeList(opt.paramGroups.map((g) => g.lr), expected.lrs[e], `lr at epoch ${e}`);
      closeList(sched.getLastLr(), expected.lrs[e], `getLastLr at epoch ${e}`);
      closeList(momenta(opt), expected.momenta[e], `momentum at epoch ${e}`);
    }
  });
}

const RESTART_CASES: Record<string, (o: Opt) => ck.optim.lrScheduler.CosineAnnealingWarmRestarts> = {
  'CosineAnnealingWarmRestarts(3, tMult=2)': (o) => new S.CosineAnnealingWarmRestarts(o, 3, { tMult: 2, etaMin: 0.001 }),
  'CosineAnnealingWarmRestarts(4)': (o) => new S.CosineAnnealingWarmRestarts(o, 4),
};

for (const [name, expected] of Object.entries(fx.restartCases)) {
  test(`${name}: step(epoch) jumps to fractional and earlier epochs as PyTorch`, () => {
    const opt = optimizer();
    const sched = RESTART_CASES[name](opt);
    fx.restartEpochs.forEach((epoch, i) => {
      sched.step(epoch);
      closeList(opt.paramGroups.map((g) => g.lr), expected.lrs[i + 1], `lr at epoch ${epoch}`);
    });
  });
}

test('a scheduler restored from stateDict continues the same sequence', () => {
  const reference = optimizer();
  const refSched = new S.CosineAnnealingWarmRestarts(reference, 3, { tMult: 2 });
  const opt = optimizer();
  const sched = new S.CosineAnnealingWarmRestarts(opt, 3, { tMult: 2 });
  for (let e = 0; e < 4; e++) {
    refSched.step();
    sched.step();
  }
  const saved = sched.stateDict();
  const resumedOpt = optimizer();
  resumedOpt.loadStateDict(opt.stateDict());
  const resumed = new S.CosineAnnealingWarmRestarts(resumedOpt, 3, { tMult: 2 });
  resumed.loadStateDict(saved);
  for (let e = 0; e < 5; e++) {
    refSched.step();
    resumed.step();
    closeList(resumed.getLastLr(), refSched.getLastLr(), `resumed epoch ${e}`);
  }
});

test('schedulers check their arguments', () => {
  const o = optimizer();
  assert.throws(() => new S.StepLR(o, 0), /StepLR: stepSize must be a positive integer, got 0/);
  assert.throws(() => new S.LinearLR(o, { startFactor: 0 }), /LinearLR: startFactor expected to be in \(0, 1\]/);
  assert.throws(() => new S.SequentialLR(o, [new S.StepLR(o, 2)], [3]), /one milestone fewer than schedulers/);
  assert.throws(() => new S.SequentialLR(o, [new S.StepLR(o, 2), new S.StepLR(optimizer(), 2)], [3]), /same optimizer/);
  assert.throws(() => new S.OneCycleLR(o, 0.1), /totalSteps or \(epochs and stepsPerEpoch\)/);
  assert.throws(() => new S.ReduceLROnPlateau(o, { factor: 1 }), /factor should be < 1.0/);
  assert.throws(() => new S.LambdaLR(o, [(e: number) => e]), /expected 2 lr lambdas, got 1/);
  const one = new S.OneCycleLR(optimizer(), 0.1, { totalSteps: 2 });
  one.step();
  one.step();
  assert.throws(() => one.step(), /tried to step 4 times; the specified number of total steps is 2/);
  const plain = new optim.Adagrad([new ck.nn.Parameter(ck.zeros([1]))], { lr: 0.1 });
  assert.throws(() => new S.OneCycleLR(plain as unknown as Opt, 0.1, { totalSteps: 5 }), /optimizer must support momentum/);
  const resumed = optimizer();
  assert.throws(() => new S.StepLR(resumed, 2, { lastEpoch: 3 }), /'initialLr' is not specified in paramGroups\[0\]/);
});

test('EarlyStopping stops after `patience` epochs without an improvement larger than minDelta', () => {
  const stopper = new optim.EarlyStopping({ patience: 2, minDelta: 0.01 });
  // 1.0 new best, 0.995 is within minDelta (bad 1), 0.9 best, 0.895 bad 1, 0.899 bad 2 -> stop
  const decisions = [1.0, 0.995, 0.9, 0.895, 0.899].map((v) => stopper.step(v));
  assert.deepEqual(decisions, [false, false, false, false, true]);
  assert.equal(stopper.best, 0.9);
  const acc = new optim.EarlyStopping({ patience: 1, mode: 'max' });
  assert.deepEqual([0.5, 0.6, 0.6].map((v) => acc.step(ck.tensor(v))), [false, false, true]);
  assert.equal(acc.improved, false);
  const restored = new optim.EarlyStopping({ patience: 2, minDelta: 0.01 });
  restored.loadStateDict(stopper.stateDict());
  assert.equal(restored.numBadEpochs, 2);
  assert.throws(() => new optim.EarlyStopping({ mode: 'up' as 'min' }), /EarlyStopping: expected mode to be one of 'min', 'max', got 'up'/);
  assert.throws(() => stopper.step(NaN), /metric is NaN/);
});

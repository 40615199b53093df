/**
 * Optimisers against PyTorch 1.13 (test/fixtures/optim.json from tools/gen_optim_fixtures.py): five steps of
 * each on the same small CNN, data and initial weights; losses and every parameter after every step.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { assertClose, fromSpec, loadFixture, type TensorSpec } from '../helpers/index.js';

const { nn, optim } = ck;
const { lrScheduler: S } = optim;

interface Trajectory {
  losses: number[];
  params: TensorSpec[];
  lrs: number[][];
}
const fx = loadFixture<{ x: TensorSpec; y: TensorSpec; initial: Record<string, TensorSpec>; cases: Record<string, Trajectory> }>('optim');
const x = fromSpec(fx.x);
const y = fromSpec(fx.y);

function makeModel(): ck.nn.Sequential {
  const m = new nn.Sequential(new nn.Conv2d(1, 3, 3, { padding: 1 }), new nn.Tanh(), new nn.BatchNorm2d(3), new nn.AvgPool2d(2), new nn.Flatten(), new nn.Linear(12, 3));
  m.loadStateDict(Object.fromEntries(Object.entries(fx.initial).map(([k, s]) => [k, fromSpec(s)])));
  return m;
}

const params = (m: ck.nn.Module, i: number): ck.nn.Parameter[] => (m as ck.nn.Sequential).at(i).parameters();
/** The generator's two groups: the convolutional part, and the classifier. */
const features = (m: ck.nn.Sequential): ck.nn.Parameter[] => [...params(m, 0), ...params(m, 2)];
const classifier = (m: ck.nn.Sequential): ck.nn.Parameter[] => params(m, 5);
type Opt = ck.optim.Optimizer<{ lr: number }>;

/** The convkit transcription of each optimiser (and schedule) in the generator. */
const CASES: Record<string, { opt: (m: ck.nn.Sequential) => Opt; sched?: (o: Opt) => { step(): void } }> = {
  SGD: { opt: (m) => new optim.SGD(m.parameters(), { lr: 0.1 }) },
  'SGD momentum': { opt: (m) => new optim.SGD(m.parameters(), { lr: 0.1, momentum: 0.9 }) },
  'SGD nesterov weightDecay': { opt: (m) => new optim.SGD(m.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 }) },
  'SGD dampening weightDecay': { opt: (m) => new optim.SGD(m.parameters(), { lr: 0.05, momentum: 0.8, dampening: 0.3, weightDecay: 0.1 }) },
  'SGD maximize': { opt: (m) => new optim.SGD(m.parameters(), { lr: 0.01, momentum: 0.5, maximize: true }) },
  'SGD groups': { opt: (m) => new optim.SGD([{ params: features(m) }, { params: classifier(m), lr: 0.01, momentum: 0.5 }], { lr: 0.1, momentum: 0.9 }) },
  Adam: { opt: (m) => new optim.Adam(m.parameters(), { lr: 0.01 }) },
  'Adam amsgrad weightDecay': { opt: (m) => new optim.Adam(m.parameters(), { lr: 0.02, amsgrad: true, weightDecay: 0.1 }) },
  'Adam betas eps': { opt: (m) => new optim.Adam(m.parameters(), { lr: 0.01, betas: [0.8, 0.9], eps: 1e-3 }) },
  'Adam groups': { opt: (m) => new optim.Adam([{ params: features(m) }, { params: classifier(m), lr: 0.001, betas: [0.5, 0.6] }], { lr: 0.01 }) },
  AdamW: { opt: (m) => new optim.AdamW(m.parameters(), { lr: 0.01 }) },
  'AdamW amsgrad': { opt: (m) => new optim.AdamW(m.parameters(), { lr: 0.02, weightDecay: 0.5, amsgrad: true }) },
  RMSprop: { opt: (m) => new optim.RMSprop(m.parameters(), { lr: 0.01 }) },
  'RMSprop centered momentum weightDecay': { opt: (m) => new optim.RMSprop(m.parameters(), { lr: 0.01, alpha: 0.9, momentum: 0.9, centered: true, weightDecay: 0.01 }) },
  Adagrad: { opt: (m) => new optim.Adagrad(m.parameters(), { lr: 0.1 }) },
  'Adagrad lrDecay weightDecay initial': { opt: (m) => new optim.Adagrad(m.parameters(), { lr: 0.1, lrDecay: 0.1, weightDecay: 0.01, initialAccumulatorValue: 0.1 }) },
  'Adam maximize weightDecay': { opt: (m) => new optim.Adam(m.parameters(), { lr: 0.01, weightDecay: 0.1, maximize: true }) },
  'AdamW maximize': { opt: (m) => new optim.AdamW(m.parameters(), { lr: 0.01, weightDecay: 0.5, maximize: true }) },
  'RMSprop maximize weightDecay': { opt: (m) => new optim.RMSprop(m.parameters(), { lr: 0.01, weightDecay: 0.1, maximize: true }) },
  'Adagrad maximize weightDecay': { opt: (m) => new optim.Adagrad(m.parameters(), { lr: 0.1, weightDecay: 0.1, maximize: true }) },
  'SGD momentum + StepLR': { opt: (m) => new optim.SGD(m.parameters(), { lr: 0.1, momentum: 0.9 }), sched: (o) => new S.StepLR(o, 2, { gamma: 0.5 }) },
  'Adam + OneCycleLR': { opt: (m) => new optim.Adam(m.parameters(), { lr: 0.01 }), sched: (o) => new S.OneCycleLR(o, 0.05, { totalSteps: 6 }) },
  'SGD + OneCycleLR momentum': {
    opt: (m) => new optim.SGD(m.parameters(), { lr: 0.01, momentum: 0.9 }),
    sched: (o) => new S.OneCycleLR(o, 0.2, { totalSteps: 6, annealStrategy: 'linear' }),
  },
};

function run(name: string, steps: number, model = makeModel(), opt = CASES[name].opt(model)): { losses: number[]; params: ck.Tensor[]; model: ck.nn.Sequential; opt: Opt } {
  const sched = CASES[name].sched?.(opt);
  const losses: number[] = [];
  const ps: ck.Tensor[] = [];
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    const loss = nn.functional.crossEntropy(model.forward(x), y);
    loss.backward();
    opt.step();
    sched?.step();
    losses.push(loss.item());
    ps.push(nn.utils.parametersToVector(model.parameters()));
  }
  return { losses, params: ps, model, opt };
}

for (const [name, expected] of Object.entries(fx.cases)) {
  test(`${name}: parameters step by step match PyTorch`, () => {
    assert.ok(CASES[name], `no convkit transcription for fixture case ${name}`);
    const got = run(name, expected.losses.length);
    got.losses.forEach((l, i) => assertClose(ck.tensor(l), ck.tensor(expected.losses[i]), { rtol: 1e-5, atol: 1e-6 }, `loss at step ${i}`));
    got.params.forEach((p, i) => assertClose(p, expected.params[i], { rtol: 1e-5, atol: 1e-6 }, `parameters after step ${i + 1}`));
    assert.deepEqual(got.opt.paramGroups.map((g) => g.lr), expected.lrs[expected.lrs.length - 1], 'final learning rates');
  });
}

test('an optimiser resumed from stateDict continues exactly where it stopped', () => {
  for (const name of ['SGD nesterov weightDecay', 'Adam amsgrad weightDecay', 'RMSprop centered momentum weightDecay', 'Adagrad lrDecay weightDecay initial']) {
    const straight = run(name, 5);
    const first = run(name, 3);
    const model = makeModel();
    model.loadStateDict(first.model.stateDict());
    const opt = CASES[name].opt(model);
    opt.loadStateDict(first.opt.stateDict());
    const resumed = run(name, 2, model, opt);
    assertClose(resumed.params[1], straight.params[4], { rtol: 0, atol: 0 }, `${name} resumed`);
  }
});

test('stateDict holds copies: later steps do not change a saved state', () => {
  const { opt } = run('Adam', 2);
  const saved = opt.stateDict();
  const before = (saved.state[0].expAvg as ck.Tensor).dataSync().slice();
  assert.equal(saved.state[0].step, 2);
  assert.deepEqual(saved.paramGroups[0].params, [0, 1, 2, 3, 4, 5]);
  opt.step();
  assert.deepEqual((saved.state[0].expAvg as ck.Tensor).dataSync(), before);
});

test('loadStateDict rejects a state dict for other parameters', () => {
  const m = makeModel();
  const opt = new optim.SGD(m.parameters(), { lr: 0.1, momentum: 0.9 });
  const other = new optim.SGD(params(m, 0), { lr: 0.1 });
  assert.throws(() => other.loadStateDict(opt.stateDict()), /parameter group 0 has 6 parameters in the state dict, 2 in the optimizer/);
  const twoGroups = new optim.SGD([{ params: features(m) }, { params: classifier(m) }], { lr: 0.1 });
  assert.throws(() => opt.loadStateDict(twoGroups.stateDict()), /has 2 parameter groups, the optimizer 1/);
});

test('zeroGrad clears gradients (to null, or to zeros with setToNone false)', () => {
  const { model, opt } = run('SGD', 1);
  const loss = nn.functional.crossEntropy(model.forward(x), y);
  loss.backward();
  opt.zeroGrad(false);
  for (const p of model.parameters()) assert.ok(p.grad && p.grad.dataSync().every((v) => v === 0));
  opt.zeroGrad();
  for (const p of model.parameters()) assert.equal(p.grad, null);
});

test('step(closure) re-evaluates the loss with gradients on and returns it', () => {
  const model = makeModel();
  const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
  const loss = ck.noGrad(() => opt.step(() => {
    opt.zeroGrad();
    const l = nn.functional.crossEntropy(model.forward(x), y);
    l.backward();
    return l;
  }));
  assertClose(loss!, ck.tensor(fx.cases.SGD.losses[0]), { rtol: 1e-5, atol: 1e-6 }, 'closure loss');
  assertClose(nn.utils.parametersToVector(model.parameters()), fx.cases.SGD.params[0], { rtol: 1e-5, atol: 1e-6 }, 'parameters');
});

test('parameters without gradients are left alone; frozen layers stay frozen', () => {
  const model = makeModel();
  model.at(0).requiresGrad_(false);
  const frozen = nn.utils.parametersToVector(params(model, 0));
  const opt = new optim.Adam(model.parameters(), { lr: 0.1 });
  nn.functional.crossEntropy(model.forward(x), y).backward();
  opt.step();
  assertClose(nn.utils.parametersToVector(params(model, 0)), frozen, { rtol: 0, atol: 0 }, 'frozen layer');
  assert.equal(opt.state.size, 4);
});

test('invalid options and parameters are refused with the optimiser named', () => {
  const p = [new nn.Parameter(ck.zeros([2]))];
  assert.throws(() => new optim.SGD(p, { lr: -1 }), /SGD: invalid learning rate: -1/);
  assert.throws(() => new optim.SGD(p, {} as { lr: number }), /SGD: lr is required/);
  assert.throws(() => new optim.SGD(p, { lr: 0.1, nesterov: true }), /Nesterov momentum requires a momentum and zero dampening/);
  assert.throws(() => new optim.Adam(p, { betas: [1, 0.999] }), /Adam: invalid beta parameter at index 0: 1/);
  assert.throws(() => new optim.AdamW(p, { eps: -1 }), /AdamW: invalid epsilon value/);
  assert.throws(() => new optim.RMSprop(p, { alpha: -0.5 }), /RMSprop: invalid alpha value/);
  assert.throws(() => new optim.Adagrad(p, { lrDecay: -1 }), /Adagrad: invalid lrDecay value/);
  assert.throws(() => new optim.Adam([], {}), /Adam: got an empty parameter list/);
  assert.throws(() => new optim.SGD([{ params: p }, { params: p }], { lr: 0.1 }), /more than one parameter group/);
  const nonLeaf = ck.mul(new nn.Parameter(ck.zeros([2])), 2);
  assert.throws(() => new optim.SGD([nonLeaf], { lr: 0.1 }), /can't optimize a non-leaf Tensor/);
  assert.throws(() => new optim.SGD([{ params: p, lr: 0.1, momentum: -1 }], { lr: 0.1 }), /SGD: invalid momentum value: -1/);
});

test('addParamGroup adds a group with its own options over the defaults', () => {
  const model = makeModel();
  const opt = new optim.SGD(params(model, 0), { lr: 0.1, momentum: 0.9 });
  opt.addParamGroup({ params: classifier(model), lr: 0.01 });
  assert.equal(opt.paramGroups.length, 2);
  assert.equal(opt.paramGroups[1].lr, 0.01);
  assert.equal(opt.paramGroups[1].momentum, 0.9);
});

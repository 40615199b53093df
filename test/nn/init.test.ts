/**
 * Initialisers against their formulas: He (kaiming) std = gain/√fan, Glorot (xavier) std = gain·√(2/(fan_in + fan_out)),
 * U(-b, b) has variance b²/3; and each layer's default initialisation as PyTorch's reset_parameters.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';

const { nn } = ck;
const init = nn.init;

function stats(t: ck.Tensor): { mean: number; variance: number; min: number; max: number } {
  const d = t.dataSync();
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of d) {
    sum += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = sum / d.length;
  let sq = 0;
  for (const v of d) sq += (v - mean) ** 2;
  return { mean, variance: sq / d.length, min, max };
}

/**
 * Sample mean and variance within 5 standard errors of the target: the mean's standard error is σ/√n;
 * the variance's is σ²·√((κ - 1)/n) with kurtosis κ = 3 (normal) or 1.8 (uniform).
 */
function assertMoments(t: ck.Tensor, std: number, kurtosis: number, what: string): void {
  const n = t.numel();
  const s = stats(t);
  assert.ok(Math.abs(s.mean) < (5 * std) / Math.sqrt(n), `${what}: mean ${s.mean}`);
  const tol = 5 * std * std * Math.sqrt((kurtosis - 1) / n);
  assert.ok(Math.abs(s.variance - std * std) < tol, `${what}: variance ${s.variance}, expected ${std * std} ± ${tol}`);
}

const gen = (): ck.Generator => new ck.Generator(1234);

test('calculateGain: 1 for linear, 5/3 tanh, √2 relu, √(2/(1+a²)) leaky relu, 3/4 selu', () => {
  assert.equal(init.calculateGain('linear'), 1);
  assert.equal(init.calculateGain('conv2d'), 1);
  assert.equal(init.calculateGain('sigmoid'), 1);
  assert.equal(init.calculateGain('tanh'), 5 / 3);
  assert.equal(init.calculateGain('relu'), Math.SQRT2);
  assert.equal(init.calculateGain('leaky_relu'), Math.sqrt(2 / (1 + 0.01 ** 2)));
  assert.equal(init.calculateGain('leaky_relu', 0.2), Math.sqrt(2 / 1.04));
  assert.equal(init.calculateGain('selu'), 0.75);
  assert.throws(() => init.calculateGain('swish' as 'relu'), /calculateGain: unsupported nonlinearity "swish"/);
});

test('calculateFanInAndFanOut reads [out, in, ...kernel]', () => {
  assert.deepEqual(init.calculateFanInAndFanOut(ck.zeros([16, 3, 5, 5])), [75, 400]);
  assert.deepEqual(init.calculateFanInAndFanOut(ck.zeros([10, 20])), [20, 10]);
  assert.throws(() => init.calculateFanInAndFanOut(ck.zeros([5])), /fewer than 2 dimensions, got \[5\]/);
});

test('kaimingUniform_ (ReLU, fan_in): U(-b, b) with b = √2·√(3/fan_in)', () => {
  const w = init.kaimingUniform_(ck.empty([256, 128, 2]), { nonlinearity: 'relu', generator: gen() });
  const bound = Math.SQRT2 * Math.sqrt(3 / 256);
  const s = stats(w);
  assert.ok(s.min >= -bound && s.max <= bound && s.max > 0.99 * bound, `range [${s.min}, ${s.max}] vs ±${bound}`);
  assertMoments(w, bound / Math.sqrt(3), 1.8, 'kaimingUniform_');
});

test('kaimingNormal_ (fan_out): N(0, 2/fan_out)', () => {
  const w = init.kaimingNormal_(ck.empty([64, 32, 3, 3]), { mode: 'fan_out', nonlinearity: 'relu', generator: gen() });
  assertMoments(w, Math.sqrt(2 / (64 * 9)), 3, 'kaimingNormal_');
  assert.throws(() => init.kaimingNormal_(ck.empty([2, 2]), { mode: 'fan_avg' as 'fan_in' }), /expected mode to be one of 'fan_in', 'fan_out', got 'fan_avg'/);
});

test('xavierUniform_ and xavierNormal_: std = gain·√(2/(fan_in + fan_out))', () => {
  const u = init.xavierUniform_(ck.empty([300, 200]), { gain: init.calculateGain('tanh'), generator: gen() });
  const std = (5 / 3) * Math.sqrt(2 / 500);
  assert.ok(stats(u).max <= Math.sqrt(3) * std);
  assertMoments(u, std, 1.8, 'xavierUniform_');
  assertMoments(init.xavierNormal_(ck.empty([300, 200]), { generator: gen() }), Math.sqrt(2 / 500), 3, 'xavierNormal_');
});

test('uniform_, normal_, constant_, zeros_, ones_ fill in place and return the tensor', () => {
  const t = ck.empty([200, 200]);
  assert.equal(init.uniform_(t, { a: 2, b: 4, generator: gen() }), t);
  const s = stats(t);
  assert.ok(s.min >= 2 && s.max < 4 && Math.abs(s.mean - 3) < 0.01);
  init.normal_(t, { mean: 0, std: 0.5, generator: gen() });
  assertMoments(t, 0.5, 3, 'normal_');
  assert.ok(init.constant_(t, 0.25).dataSync().every((v) => v === 0.25));
  assert.ok(init.zeros_(t).dataSync().every((v) => v === 0));
  assert.ok(init.ones_(t).dataSync().every((v) => v === 1));
  assert.throws(() => init.uniform_(ck.zeros([2], { dtype: 'int32' })), /uniform_: expected a floating point tensor, got int32/);
});

test('initialisers work on parameters that require grad, without recording', () => {
  const p = new nn.Parameter(ck.zeros([3, 3]));
  init.kaimingUniform_(p);
  assert.ok(p.requiresGrad && p.isLeaf && p.gradFn === null);
});

/** Mean and variance of N(0,1) truncated to [a, b]: φ and Φ the normal pdf and cdf (stated with Φ from erf). */
function truncatedMoments(a: number, b: number): { mean: number; variance: number } {
  const pdf = (x: number): number => Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI);
  const cdf = (x: number): number => (1 + ck.erf(ck.tensor(x / Math.SQRT2, { dtype: 'float64' })).item()) / 2;
  const z = cdf(b) - cdf(a);
  const mean = (pdf(a) - pdf(b)) / z;
  return { mean, variance: 1 + (a * pdf(a) - b * pdf(b)) / z - mean * mean };
}

test('truncNormal_ draws from the normal restricted to [a, b] (resampling near the centre, inverse CDF in a tail)', () => {
  for (const [a, b] of [[-2, 2], [-1, 0.5], [2.5, 4]]) {
    const t = init.truncNormal_(ck.empty([40000], { dtype: 'float64' }), { a, b, generator: gen() });
    const s = stats(t);
    const expected = truncatedMoments(a, b);
    assert.ok(s.min >= a && s.max <= b, `[${a}, ${b}]: range [${s.min}, ${s.max}]`);
    const se = Math.sqrt(expected.variance / 40000);
    assert.ok(Math.abs(s.mean - expected.mean) < 5 * se, `[${a}, ${b}]: mean ${s.mean} vs ${expected.mean}`);
    assert.ok(Math.abs(s.variance - expected.variance) < 0.05 * expected.variance, `[${a}, ${b}]: variance ${s.variance} vs ${expected.variance}`);
  }
  const scaled = init.truncNormal_(ck.empty([1000]), { mean: 1, std: 0.02, generator: gen() });
  assert.ok(Math.abs(stats(scaled).mean - 1) < 0.005);
});

test('Linear default initialisation: weight and bias U(-1/√in, 1/√in), as kaiming_uniform_(a=√5)', () => {
  ck.manualSeed(7);
  const lin = new nn.Linear(400, 300);
  const bound = 1 / Math.sqrt(400);
  const w = stats(lin.weight);
  assert.ok(w.min >= -bound && w.max <= bound && w.max > 0.99 * bound);
  assertMoments(lin.weight, bound / Math.sqrt(3), 1.8, 'Linear.weight');
  const b = stats(lin.bias!);
  assert.ok(b.min >= -bound && b.max <= bound);
});

test('BatchNorm starts at weight 1, bias 0, running mean 0, running variance 1', () => {
  const bn = new nn.BatchNorm2d(3);
  assert.deepEqual([...bn.weight!.dataSync()], [1, 1, 1]);
  assert.deepEqual([...bn.bias!.dataSync()], [0, 0, 0]);
  assert.deepEqual([...bn.runningMean!.dataSync()], [0, 0, 0]);
  assert.deepEqual([...bn.runningVar!.dataSync()], [1, 1, 1]);
});

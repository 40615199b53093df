/** core/args on its own: how positional values, the options object and plain-object parameters are told apart. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { check, describeValue, is, parseArgs, signature, type ArgsOf } from '../../src/core/args.js';
import * as ck from '../../src/index.js';

const SIG = signature('demo', null, [['input', is.tensor]], [['dim', is.int], ['keepdim', is.bool]], [['generator', is.generator]]);
const STATE = signature('demoState', null, [['state', check<object>('a state dict', (v) => typeof v === 'object' && v !== null)]], [['strict', is.bool]]);

test('positional values, an options object, or both; undefined means not given', () => {
  const x = ck.ones([2]);
  assert.deepEqual(parseArgs(SIG, [x, 1, true]), { input: x, dim: 1, keepdim: true });
  assert.deepEqual(parseArgs(SIG, [x, { keepdim: true }]), { input: x, keepdim: true });
  assert.deepEqual(parseArgs(SIG, [x, 1, { keepdim: false }]), { input: x, dim: 1, keepdim: false });
  assert.deepEqual(parseArgs(SIG, [x, undefined, true]), { input: x, keepdim: true });
  assert.deepEqual(parseArgs(SIG, [{ input: x, dim: 0 }]), { input: x, dim: 0 });
});

test('a plain object is positional where the parameter takes one (a state dict), the options object after it', () => {
  assert.deepEqual(parseArgs(STATE, [{ w: 1 }]), { state: { w: 1 } });
  assert.deepEqual(parseArgs(STATE, [{ w: 1 }, { strict: false }]), { state: { w: 1 }, strict: false });
});

test('errors name the callable, the parameter and what came', () => {
  const x = ck.ones([2]);
  assert.throws(() => parseArgs(SIG, [x, { dims: 1 }]), /^TypeError: demo: unknown option 'dims' \(did you mean 'dim'\?\); its options are dim, keepdim, generator$/);
  assert.throws(() => parseArgs(SIG, [x, 1.5]), /^TypeError: demo: expected dim to be an integer, got 1.5 \(a number\)$/);
  assert.throws(() => parseArgs(SIG, [x, 1, true, 3]), /^TypeError: demo: takes at most 3 positional arguments \(input, dim, keepdim\) and an options object, got 4 arguments$/);
  assert.throws(() => parseArgs(SIG, [x, 1, { dim: 2 }]), /demo: got dim twice, as positional argument 2 and in the options/);
  assert.throws(() => parseArgs(SIG, []), /demo: missing required argument input/);
  assert.throws(() => parseArgs(SIG, [x, { generator: 3 }]), /demo: expected generator to be a Generator, got 3 \(a number\)/);
});

test('values are described as they came', () => {
  assert.equal(describeValue('2'), `'2' (a string)`);
  assert.equal(describeValue([1, 2]), 'an array [1, 2]');
  assert.equal(describeValue({ a: 1 }), 'an object with keys a');
  assert.equal(describeValue(ck.zeros([2, 3])), 'a Tensor[2,3] float32');
  assert.equal(describeValue(null), 'null');
});

test('the TypeScript types accept both forms and refuse unknown keys and wrong types', () => {
  const demo = (...args: ArgsOf<typeof SIG>): number => Object.keys(parseArgs(SIG, args)).length;
  const x = ck.ones([2]);
  assert.equal(demo(x, 1, true), 3);
  assert.equal(demo(x, { keepdim: true, generator: new ck.Generator(1) }), 3);
  assert.equal(demo(x, undefined, true, {}), 2);
  // @ts-expect-error: an unknown option key
  assert.throws(() => demo(x, { keepdims: true }));
  // @ts-expect-error: a string where an int goes
  assert.throws(() => demo(x, '1'));
});

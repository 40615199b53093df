/**
 * The wasm backend's elementwise, reduction and pooling kernels against the reference backend on the same
 * inputs: large tensors (WebAssembly rows) and small ones (JavaScript loops), broadcast and strided operands,
 * NaN and ties. Elementwise results must be bit-identical (both round the exact result once to float32).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../../src/index.js';
import * as F from '../../../src/ops/conv/index.js';
import { assertClose } from '../../helpers/index.js';

/** Moves a tensor made outside to the device a run is on (an op runs on its inputs' device). */
type On = <V>(v: V) => V;
const on: On = (v) => (v instanceof ck.Tensor ? (v.to(ck.getBackend()) as typeof v) : v);
const onBoth = <T>(fn: (on: On) => T): [T, T] => [ck.withBackend('wasm', () => fn(on)), ck.withBackend('reference', () => fn(on))];

function assertSame(fn: (on: On) => ck.Tensor, what: string): void {
  const [fast, ref] = onBoth(fn);
  // an op runs on its inputs' device: a closure over tensors made outside must move them (t.to(ck.getBackend()))
  assert.deepEqual([fast.device, ref.device], ['wasm', 'reference'], `${what}: devices`);
  assert.equal(fast.dtype, ref.dtype, `${what}: dtype`);
  assert.deepEqual(fast.shape, ref.shape, `${what}: shape`);
  const [a, b] = [fast.dataSync(), ref.dataSync()];
  for (let i = 0; i < b.length; i++) {
    if (!(a[i] === b[i] || (Number.isNaN(a[i]) && Number.isNaN(b[i])))) assert.fail(`${what}: element ${i} is ${a[i]}, reference ${b[i]}`);
  }
}

/** Random values with a few NaNs and repeated values mixed in. */
function values(shape: number[]): ck.Tensor {
  const x = ck.randn(shape);
  const d = x.dataSync();
  for (let i = 0; i < d.length; i += 97) d[i] = NaN;
  for (let i = 5; i < d.length; i += 31) d[i] = d[i - 1];
  return ck.tensor(d, { shape });
}

test('binary ops: same shape, per-channel, scalar, row and strided operands, large and small', () => {
  ck.manualSeed(21);
  const big = values([3, 8, 19, 23]); // 10488 elements: WebAssembly rows
  const small = values([2, 3, 5]); // JavaScript loops
  const operands: [string, ck.Tensor, ck.Tensor][] = [
    ['same shape', big, values([3, 8, 19, 23])],
    ['per channel', big, values([1, 8, 1, 1])],
    ['scalar first', values([]), big],
    ['last-dim row', big, values([23])],
    ['transposed', big, values([3, 8, 23, 19]).transpose(2, 3)],
    ['small', small, values([2, 1, 5])],
  ];
  const ops = { add: ck.add, sub: ck.sub, mul: ck.mul, div: ck.div, maximum: ck.maximum, minimum: ck.minimum, gt: ck.gt, eq: ck.eq, le: ck.le };
  for (const [name, a, b] of operands) for (const [op, f] of Object.entries(ops)) assertSame((on) => f(on(a), on(b)), `${op} ${name}`);
});

test('unary ops on large, small and non-contiguous inputs', () => {
  ck.manualSeed(22);
  const inputs: [string, ck.Tensor][] = [['large', values([7, 9, 11, 13])], ['small', values([3, 4])], ['strided', values([40, 300]).t()]];
  const ops = { relu: ck.relu, neg: ck.neg, abs: ck.abs, sqrt: ck.sqrt, square: ck.square, exp: ck.exp, sigmoid: ck.sigmoid, tanh: ck.tanh };
  for (const [name, x] of inputs) for (const [op, f] of Object.entries(ops)) assertSame((on) => f(on(x)), `${op} ${name}`);
});

test('sums over every kind of dim set agree with the reference to float32 rounding', () => {
  ck.manualSeed(23);
  const x = ck.randn([6, 7, 11, 13]);
  for (const dims of [[0, 2, 3], [3], [2, 3], [0], [1, 3], [0, 1, 2, 3]]) {
    const [fast, ref] = onBoth((on) => ck.sum(on(x), dims));
    assertClose(fast, ref, { rtol: 1e-6, atol: 1e-6 }, `sum over [${dims}]`);
  }
  const [fast, ref] = onBoth((on) => ck.sum(on(x).transpose(1, 3), [1, 2]));
  assertClose(fast, ref, { rtol: 1e-6, atol: 1e-6 }, 'sum of a transposed view');
});

test('max pooling: values and indices as the reference, with NaN, ties, padding, dilation and ceil mode', () => {
  ck.manualSeed(24);
  const x = values([2, 5, 33, 31]);
  const tiny = values([1, 2, 5, 5]);
  const cases: [string, () => [ck.Tensor, ck.Tensor]][] = [
    ['2×2', () => F.maxPool2d(on(x), 2, { returnIndices: true })],
    ['3×3 stride 2 pad 1', () => F.maxPool2d(on(x), 3, { stride: 2, padding: 1, returnIndices: true })],
    ['dilation 2, ceil mode', () => F.maxPool2d(on(x), [3, 2], { stride: [2, 3], dilation: 2, ceilMode: true, returnIndices: true })],
    ['small input', () => F.maxPool2d(on(tiny), 2, { returnIndices: true })],
  ];
  for (const [what, run] of cases) {
    assertSame(() => run()[0], `${what} values`);
    assertSame(() => run()[1], `${what} indices`);
  }
});

test('max pooling gradient (a scatter along the last dim) matches the reference', () => {
  ck.manualSeed(25);
  const x = ck.randn([2, 4, 17, 18]);
  const grad = (): ck.Tensor => {
    const leaf = on(x).detach().requiresGrad_(true);
    const y = F.maxPool2d(leaf, 3, { stride: 2, padding: 1 });
    y.backward(ck.arange(y.numel()).reshape(y.shape).to('float32'));
    return leaf.grad as ck.Tensor;
  };
  assertSame(grad, 'maxPool2d gradient');
});

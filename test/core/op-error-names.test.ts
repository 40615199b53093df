import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';

test('creation errors name the op the user called (zeros, ones, empty), not full', () => {
  assert.throws(() => ck.zeros([-1, 2]), /^RangeError: zeros: invalid shape \[-1,2\]/);
  assert.throws(() => ck.ones([1.5]), /^TypeError: ones: expected size to be an integer or an array of integers, got an array \[1.5\]/);
  assert.throws(() => ck.empty([2, -3]), /^RangeError: empty: invalid shape/);
  assert.throws(() => ck.full([-1], 2), /^RangeError: full: invalid shape/);
});

test('a shape too large for one tensor is refused with the op name and the element count', () => {
  assert.throws(() => ck.zeros([1e6, 1e6]), /^RangeError: zeros: shape \[1000000,1000000\] has 1000000000000 elements, more than the 4294967295/);
  assert.throws(() => ck.randn([1e6, 1e6]), /^RangeError: randn: shape/);
  assert.throws(() => ck.zeros([2]).reshape([1e6, 1e6, 2]), /reshape/);
  // a view that materialises too much names the dtype and the size instead of V8's bare "Invalid typed array length"
  assert.throws(() => ck.zeros([2]).expand([1e6, 1e6, 2]).contiguous(), /cannot allocate a float32 tensor of 2000000000000 elements \(8000000000000 bytes\)/);
});

test('indexSelect errors say indexSelect, not the gather it is built on', () => {
  const x = ck.zeros([3, 2]);
  assert.throws(() => ck.indexSelect(x, 0, ck.tensor([5], { dtype: 'int32' })), /^RangeError: indexSelect: index 5 is out of bounds for dimension of size 3/);
  assert.throws(() => x.indexSelect(1, ck.tensor([-3], { dtype: 'int32' })), /^RangeError: indexSelect: index -3 is out of bounds/);
});

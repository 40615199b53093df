import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { assertClose, fromSpec, loadFixture, type TensorSpec } from '../helpers/index.js';

interface FileSpec {
  base64: string;
  metadata: Record<string, string>;
  tensors: Record<string, TensorSpec>;
}
const fixture = loadFixture<{ valid: FileSpec; written: FileSpec; corrupt: Record<string, string> }>('safetensors');
const bytesOf = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'));

function assertStateDict(actual: Record<string, ck.Tensor>, expected: Record<string, TensorSpec>): void {
  assert.deepEqual(Object.keys(actual), Object.keys(expected), 'keys in header order');
  for (const [name, spec] of Object.entries(expected)) {
    assert.equal(actual[name].dtype, spec.dtype, `${name} dtype`);
    assertClose(actual[name], spec, { rtol: 0, atol: 0 }, name);
  }
}

test('loadSafetensors reads every dtype torch wrote, converting F16/BF16/I64/U8... exactly', () => {
  const sd = ck.io.loadSafetensors(bytesOf(fixture.valid.base64));
  assertStateDict(sd, fixture.valid.tensors);
  assert.deepEqual(sd['bn.num_batches_tracked'].shape, [], '0-d tensor');
  assert.ok(Object.is(sd.half.dataSync()[4], -0), 'F16 negative zero keeps its sign');
});

test('loadSafetensors takes an ArrayBuffer, or a Uint8Array at an unaligned offset', () => {
  const bytes = bytesOf(fixture.valid.base64);
  assertStateDict(ck.io.loadSafetensors(bytes.slice().buffer), fixture.valid.tensors);
  const shifted = new Uint8Array(bytes.length + 3);
  shifted.set(bytes, 3);
  assertStateDict(ck.io.loadSafetensors(shifted.subarray(3)), fixture.valid.tensors);
});

test('readSafetensorsHeader gives metadata, dtypes, shapes and offsets without reading data', () => {
  const header = ck.io.readSafetensorsHeader(bytesOf(fixture.valid.base64));
  assert.deepEqual(header.metadata, fixture.valid.metadata);
  assert.deepEqual(header.tensors.half.dtype, 'F16');
  assert.deepEqual(header.tensors['conv.weight'].shape, [2, 1, 2, 2]);
  assert.equal(header.dataStart % 8, 0, 'the writer pads the header to 8 bytes');
});

test('saveSafetensors writes the same bytes as the reference layout (widest dtype first, padded header)', () => {
  const sd = Object.fromEntries(Object.entries(fixture.written.tensors).map(([k, spec]) => [k, fromSpec(spec)]));
  const bytes = ck.io.saveSafetensors(sd, { metadata: fixture.written.metadata });
  assert.deepEqual(Buffer.from(bytes).toString('base64'), fixture.written.base64);
});

test('saveSafetensors then loadSafetensors round-trips values, dtypes, key order and views', () => {
  const base = ck.arange(12, undefined, 1, { dtype: 'float64' }).reshape([3, 4]);
  const sd = {
    'b.weight': ck.randn([2, 3]),
    'a.view': base.t(), // non-contiguous: saved as its row-major values
    'c.labels': ck.tensor([5, -2], { dtype: 'int32' }),
    'd.mask': ck.tensor([true, false, true]),
  };
  const back = ck.io.loadSafetensors(ck.io.saveSafetensors(sd));
  assert.deepEqual(Object.keys(back), Object.keys(sd));
  for (const [k, t] of Object.entries(sd)) {
    assert.equal(back[k].dtype, t.dtype, k);
    assertClose(back[k], t, { rtol: 0, atol: 0 }, k);
  }
  const header = ck.io.readSafetensorsHeader(ck.io.saveSafetensors(sd));
  for (const e of Object.values(header.tensors)) {
    const width = { F64: 8, F32: 4, I32: 4, BOOL: 1 }[e.dtype as 'F64'];
    assert.equal(e.dataOffsets[0] % width, 0, `${e.dtype} tensor aligned to its element size`);
  }
});

const CORRUPT: Record<string, RegExp> = {
  'too-short': /loadSafetensors: the file is 5 bytes, shorter than the 8-byte header length/,
  'truncated-header': /truncated file: the header length says \d+ bytes but only 12 follow it/,
  'truncated-data': /truncated file: the header describes 16 bytes of tensor data but only 13 follow it/,
  'huge-header-length': /header length 9223372036854775808 exceeds the 100000000-byte limit/,
  'length-past-end': /truncated file: the header length says/,
  'bad-json': /the header is not valid JSON/,
  'not-object': /the header must be a JSON object, it starts with "\[1, 2\]"/,
  'bad-utf8': /the header is not valid UTF-8/,
  'unknown-dtype': /tensor 'a': unsupported dtype "F8_E4M3" \(supported: BOOL, U8/,
  'size-mismatch': /tensor 'a': shape \[3\] of F32 needs 12 bytes, data_offsets \[0,8\] hold 8/,
  'negative-shape': /tensor 'a': shape must be an array of non-negative integers, got \[-2\]/,
  'reversed-offsets': /tensor 'a': data_offsets must be \[begin, end\] with 0 <= begin <= end, got \[8,0\]/,
  'overlap': /tensor 'b' \(bytes 4\.\.12\) overlaps tensor 'a' \(ends at 8\)/,
  'gap': /4 bytes before tensor 'b' \(offset 12\) belong to no tensor/,
  'trailing-bytes': /4 bytes after the last tensor belong to no tensor/,
  'bad-metadata': /__metadata__ value of 'epoch' must be a string, got 3/,
  'not-a-tensor-entry': /tensor 'c': expected an object with dtype, shape and data_offsets/,
  'i64-out-of-int32': /tensor 'b' \(I64\) holds 1099511627776 at element 0, outside convkit's int32 range/,
  'bool-not-0-or-1': /tensor 'm' \(BOOL\) holds byte 2 at element 1, expected 0 or 1/,
};

test('every corrupt or truncated file is refused with an error naming what is wrong', () => {
  assert.deepEqual(Object.keys(fixture.corrupt).sort(), Object.keys(CORRUPT).sort(), 'each fixture case has an expectation');
  for (const [name, b64] of Object.entries(fixture.corrupt)) {
    assert.throws(() => ck.io.loadSafetensors(bytesOf(b64)), CORRUPT[name], name);
  }
});

test('loadSafetensors and saveSafetensors refuse what is not a file or a state dict', () => {
  assert.throws(() => ck.io.loadSafetensors('model.safetensors' as unknown as Uint8Array), /loadSafetensors: expected a Uint8Array or an ArrayBuffer, got string/);
  assert.throws(() => ck.io.saveSafetensors({ w: [1, 2] as unknown as ck.Tensor }), /saveSafetensors: 'w' is not a Tensor/);
  assert.throws(() => ck.io.saveSafetensors({ __metadata__: ck.zeros([1]) }), /"__metadata__" cannot name a tensor/);
  assert.throws(() => ck.io.saveSafetensors({ w: ck.zeros([1]) }, { metadata: { epoch: 3 as unknown as string } }), /metadata 'epoch' must be a string, got number/);
});

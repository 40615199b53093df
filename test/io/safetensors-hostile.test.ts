import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ck from '../../src/index.js';
import { loadFixture } from '../helpers/index.js';

interface Fixture {
  safetensorsPrototypeNames: { base64: string; tensors: Record<string, { shape: number[]; data: number[] }> };
}
const fixture = loadFixture<Fixture>('hostile');

/** A safetensors file whose header is `json` verbatim (padded to 8 bytes) followed by `data`. */
function rawFile(json: string, data = new Uint8Array(0)): Uint8Array {
  const text = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

test('safetensors: a name given twice is refused (the format forbids duplicates; JSON.parse would keep the last)', () => {
  const entry = '{"dtype":"F32","shape":[1],"data_offsets":[0,4]}';
  const bytes = rawFile(`{"w":${entry},"w":${entry}}`, new Uint8Array(4));
  assert.throws(() => ck.io.loadSafetensors(bytes), /loadSafetensors: the header names 'w' twice/);
  // the same name spelt with an escape is the same name
  assert.throws(() => ck.io.loadSafetensors(rawFile(`{"w":${entry},"\\u0077":${entry}}`, new Uint8Array(4))), /names 'w' twice/);
});

test('safetensors: a deeply nested header is a clear error, not a stack overflow', () => {
  for (const depth of [17, 4100, 100_000]) {
    const bytes = rawFile(`{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    assert.throws(() => ck.io.loadSafetensors(bytes), (e: Error) => !(e instanceof RangeError) && /nests deeper than 16 levels/.test(e.message), `depth ${depth}`);
  }
  // brackets inside strings do not count
  const name = '[[[[[[[[[[[[[[[[[[[[{{{{{{{{{{{{{{{{{{{\\"';
  const sd = ck.io.loadSafetensors(rawFile(`{"${name}":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, new Uint8Array(4)));
  assert.deepEqual(Object.keys(sd), [JSON.parse(`"${name}"`)]);
});

test('safetensors: tensors named __proto__, constructor, toString load as written by the Python reference', () => {
  const spec = fixture.safetensorsPrototypeNames;
  const sd = ck.io.loadSafetensors(new Uint8Array(Buffer.from(spec.base64, 'base64')));
  assert.deepEqual(Object.keys(sd), Object.keys(spec.tensors));
  assert.equal(Object.getPrototypeOf(sd), Object.prototype, 'the state dict is still an ordinary object');
  for (const [name, { shape, data }] of Object.entries(spec.tensors)) {
    const t = Object.getOwnPropertyDescriptor(sd, name)!.value as ck.Tensor;
    assert.deepEqual(t.shape, shape, name);
    assert.deepEqual(Array.from(t.dataSync()), data, name);
  }
  const header = ck.io.readSafetensorsHeader(new Uint8Array(Buffer.from(spec.base64, 'base64')));
  assert.deepEqual(Object.keys(header.tensors), Object.keys(spec.tensors));
});

test('safetensors: a state dict with a __proto__ key round-trips through save and load', () => {
  const sd: Record<string, ck.Tensor> = {};
  Object.defineProperty(sd, '__proto__', { value: ck.tensor([1, 2]), enumerable: true });
  sd.other = ck.tensor([3]);
  const back = ck.io.loadSafetensors(ck.io.saveSafetensors(sd));
  assert.deepEqual(Object.keys(back), ['__proto__', 'other']);
  assert.deepEqual(Array.from((Object.getOwnPropertyDescriptor(back, '__proto__')!.value as ck.Tensor).dataSync()), [1, 2]);
});

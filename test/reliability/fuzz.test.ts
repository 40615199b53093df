/**
 * A seeded fuzz and fault suite over every file convkit reads from untrusted places: safetensors, IDX (plain and
 * gzip), CIFAR-10 batches, PNG, JPEG and checkpoint directories. Each input is a valid file mutated at random
 * (bytes flipped, inserted, cut; headers rewritten with valid CRCs so the mutation reaches the deeper checks).
 * The property: the reader returns a consistent result or throws an Error naming the reader; never another
 * kind of exception, never a hang, never a different answer for the same bytes. Counts are printed per format.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import * as ck from '../../src/node.js';
import { decodeImage } from '../../src/data/node/decode.js';
import { gunzipBounded } from '../../src/data/node/files.js';
import { idxDeclaredSize } from '../../src/data/datasets/idx.js';
import { directoryCheckpointStore } from '../../src/train/node/checkpoint-dir.js';
import { chunk, concat, crc32, ihdr, SIGNATURE } from '../helpers/png-bytes.js';

/** A small deterministic generator (mulberry32): the suite is the same on every run. */
function rng(seed: number): { int: (n: number) => number; pick: <T>(xs: readonly T[]) => T } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { int: (n) => Math.floor(next() * n), pick: (xs) => xs[Math.floor(next() * xs.length)] };
}
type Rng = ReturnType<typeof rng>;

/** One random mutation: flip, overwrite with a boundary value, insert, delete, truncate or duplicate a slice. */
function mutate(bytes: Uint8Array, r: Rng, protect = 0): Uint8Array {
  const out = Array.from(bytes);
  const at = protect + r.int(Math.max(1, out.length - protect));
  switch (r.int(6)) {
    case 0: out[at] ^= 1 << r.int(8); break;
    case 1: out[at] = r.pick([0, 1, 0x7f, 0x80, 0xff]); break;
    case 2: out.splice(at, 0, ...Array.from({ length: 1 + r.int(8) }, () => r.int(256))); break;
    case 3: out.splice(at, 1 + r.int(8)); break;
    case 4: out.length = at; break;
    default: out.splice(at, 0, ...out.slice(at, at + 1 + r.int(64))); break;
  }
  return new Uint8Array(out);
}

function mutations(bytes: Uint8Array, r: Rng, protect = 0): Uint8Array {
  let out = bytes;
  for (let k = 1 + r.int(3); k > 0; k--) out = mutate(out, r, protect);
  return out;
}

/** Runs `read` on `input`: a result is checked by `valid`, an exception must be an Error whose message matches `named`. */
function expectSafe<T>(read: () => T, valid: (v: T) => void, named: RegExp, what: string): 'ok' | 'refused' {
  let value: T;
  try {
    value = read();
  } catch (e) {
    assert.ok(e instanceof Error && e.constructor !== RangeError || /decodeImage|loadSafetensors|parse|CIFAR|MNIST|resume/.test((e as Error).message), `${what}: ${String(e)}`);
    assert.match((e as Error).message, named, what);
    return 'refused';
  }
  valid(value);
  return 'ok';
}

const counts: Record<string, { ok: number; refused: number }> = {};
const tally = (format: string, r: 'ok' | 'refused'): void => void ((counts[format] ??= { ok: 0, refused: 0 })[r]++);
test.after(() => console.log(`fuzz inputs per format: ${JSON.stringify(counts)}`));

test('safetensors: 1,500 mutated files load whole or are refused by loadSafetensors', () => {
  const r = rng(1);
  const sd = { 'a.weight': ck.randn([3, 4], { generator: new ck.Generator(1) }), 'a.bias': ck.zeros([3]), n: ck.tensor([7], { dtype: 'int32' }), m: ck.tensor([true, false]) };
  const good = ck.io.saveSafetensors(sd, { metadata: { format: 'pt' } });
  const headerLength = Number(new DataView(good.buffer).getBigUint64(0, true));
  const header = new TextDecoder().decode(good.subarray(8, 8 + headerLength));
  for (let i = 0; i < 1500; i++) {
    let input: Uint8Array;
    if (i % 3 === 0) {
      // mutate the JSON text and rewrite the length field, so the mutation is parsed, not just rejected by size
      const text = new TextEncoder().encode(header);
      const body = mutations(text, r);
      input = concat([new Uint8Array(new BigUint64Array([BigInt(body.length)]).buffer), body, good.subarray(8 + headerLength)]);
    } else input = mutations(good, r);
    tally('safetensors', expectSafe(() => ck.io.loadSafetensors(input), (out) => {
      for (const [name, t] of Object.entries(out)) assert.equal(t.dataSync().length, t.shape.reduce((a, b) => a * b, 1), name);
    }, /^loadSafetensors: /, `safetensors #${i}`));
  }
});

test('IDX: 600 mutated files, plain and gzip, parse consistently or are refused', () => {
  const r = rng(2);
  const good = ck.data.encodeIdx({ type: 'uint8', shape: [3, 5, 4], data: new Uint8Array(60).map((_, i) => i) });
  const goodGz = gzipSync(good);
  for (let i = 0; i < 600; i++) {
    const gz = i % 2 === 1;
    const input = mutations(gz ? goodGz : good, r);
    tally(gz ? 'idx.gz' : 'idx', expectSafe(() => ck.data.parseIdx(gz ? gunzipBounded(input, 'x.gz', idxDeclaredSize) : input, 'x'), (a) => {
      assert.equal(a.data.length, a.shape.reduce((p, q) => p * q, 1));
    }, /^(parseIdx: x is not a valid IDX file|x\.gz: )/, `idx #${i}`));
  }
});

test('CIFAR-10: 300 mutated batches parse consistently or are refused', () => {
  const r = rng(3);
  const good = new Uint8Array(3073 * 2).map((_, i) => (i * 7) % 256);
  good[0] = 3;
  good[3073] = 9;
  for (let i = 0; i < 300; i++) {
    const input = i % 2 ? gzipSync(mutations(good, r)) : mutations(good, r);
    tally('cifar', expectSafe(() => new ck.data.CIFAR10([ck.data.parseCifarBatch(i % 2 ? gunzipBounded(input, 'b.gz') : input, 'b')]), (ds) => {
      assert.equal(ds.images.length, ds.length * 3072);
    }, /^(parseCifarBatch: b |CIFAR10: |b\.gz: )/, `cifar #${i}`));
  }
});

/** Valid PNGs of every colour type and bit depth, plain and interlaced, from raw scanlines. */
function validPngs(): Uint8Array[] {
  const out: Uint8Array[] = [];
  const cases: [number, number, number][] = [[0, 1, 1], [0, 8, 1], [0, 16, 1], [2, 8, 3], [3, 4, 1], [4, 8, 2], [6, 8, 4], [6, 16, 4]];
  for (const [colourType, bitDepth, samples] of cases) {
    for (const interlace of [0, 1]) {
      const width = 7;
      const height = 5;
      const passes = interlace ? [[1, 1], [1, 1], [2, 1], [2, 2], [4, 1], [3, 3], [7, 2]] : [[width, height]];
      const rows = passes.flatMap(([w, h]) => Array.from({ length: h }, (_, y) => [y % 5, ...Array.from({ length: Math.ceil((w * samples * bitDepth) / 8) }, (_, x) => (x * 31 + y * 17) % 256)]));
      const palette = colourType === 3 ? [chunk('PLTE', new Uint8Array(16 * 3).map((_, i) => i * 5))] : [];
      out.push(concat([SIGNATURE, ihdr({ width, height, bitDepth, colourType, interlace }), ...palette, chunk('IDAT', deflateSync(new Uint8Array(rows.flat()))), chunk('IEND')]));
    }
  }
  return out;
}

/** Recomputes every chunk's CRC (as far as the chunk lengths allow), so a mutation reaches past the CRC check. */
function fixCrcs(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  for (let at = 8; at + 12 <= out.length; ) {
    const length = view.getUint32(at);
    if (at + 12 + length > out.length) break;
    view.setUint32(at + 8 + length, crc32(out.subarray(at + 4, at + 8 + length)));
    at += 12 + length;
  }
  return out;
}

test('PNG: 1,600 mutated files decode to the same pixels every time or are refused by decodeImage', () => {
  const r = rng(4);
  const pngs = validPngs();
  for (const png of pngs) assert.equal(decodeImage(png).data.length, 7 * 5 * 3, 'every seed file is valid');
  for (let i = 0; i < 1600; i++) {
    const input = i % 2 ? fixCrcs(mutations(r.pick(pngs), r, 8)) : mutations(r.pick(pngs), r);
    tally('png', expectSafe(() => decodeImage(input, 'f.png', { maxPixels: 1 << 20 }), (img) => {
      assert.equal(img.data.length, img.width * img.height * 3);
      assert.deepEqual(decodeImage(input, 'f.png').data, img.data, `png #${i}: the same pixels on a second decode`);
    }, /^decodeImage: f\.png /, `png #${i}`));
  }
});

test('JPEG: 600 mutated files decode to the same pixels every time or are refused by decodeImage', () => {
  const r = rng(5);
  const data = new Uint8Array(24 * 16 * 4).map((_, i) => (i * 13) % 256);
  const good = new Uint8Array(jpeg.encode({ data, width: 24, height: 16 }, 80).data);
  for (let i = 0; i < 600; i++) {
    const input = mutations(good, r, 2);
    tally('jpeg', expectSafe(() => decodeImage(input, 'f.jpg', { maxPixels: 1 << 20 }), (img) => {
      assert.equal(img.data.length, img.width * img.height * 3);
      assert.deepEqual(decodeImage(input, 'f.jpg').data, img.data, `jpeg #${i}: the same pixels on a second decode`);
    }, /^decodeImage: f\.jpg /, `jpeg #${i}`));
  }
});

test('checkpoint directories: 120 random faults (files cut, removed, manifests lagging or broken) load a complete checkpoint or are refused', async (t) => {
  const r = rng(6);
  const base = mkdtempSync(join(tmpdir(), 'ck-fuzz-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const model = new ck.nn.Linear(3, 2);
  const optimizer = new ck.optim.Adam(model.parameters(), { lr: 0.01 });
  const loader = new ck.data.DataLoader(new ck.data.TensorDataset(ck.randn([8, 3]), ck.tensor([0, 1, 0, 1, 0, 1, 0, 1], { dtype: 'int32' })), { batchSize: 4 });
  // two complete checkpoints side by side (epoch 1 and 2) and both manifests: the states kills can leave
  const seed = join(base, 'seed');
  await ck.train.fit(model, loader, { optimizer, epochs: 1, checkpointDir: seed });
  copyFileSync(join(seed, 'checkpoint.json'), join(base, 'manifest-1'));
  copyFileSync(join(seed, 'checkpoint-1.safetensors'), join(base, 'checkpoint-1.safetensors'));
  await ck.train.fit(model, loader, { optimizer, epochs: 2, checkpointDir: seed, resume: true });
  copyFileSync(join(base, 'checkpoint-1.safetensors'), join(seed, 'checkpoint-1.safetensors'));
  for (let i = 0; i < 120; i++) {
    const dir = join(base, `case-${i}`);
    rmSync(dir, { recursive: true, force: true });
    cpSync(seed, dir, { recursive: true });
    if (r.int(2)) copyFileSync(join(base, 'manifest-1'), join(dir, 'checkpoint.json'));
    for (let k = 1 + r.int(2); k > 0; k--) {
      const files = readdirSync(dir);
      const f = join(dir, r.pick(files));
      const fault = r.int(4);
      if (fault === 0) rmSync(f);
      else if (fault === 1) truncateSync(f, r.int(200));
      else if (fault === 2) writeFileSync(f, mutations(new Uint8Array(readFileSync(f)), r));
      else writeFileSync(join(dir, `checkpoint-3.safetensors.4194303.m${i}.tmp`), 'partial');
    }
    const warn = console.warn;
    console.warn = () => undefined;
    let outcome: 'ok' | 'refused';
    try {
      outcome = await directoryCheckpointStore(dir).load().then((c) => {
        if (c) {
          assert.ok([1, 2].includes(c.meta.epoch), `case ${i}: epoch ${c.meta.epoch}`);
          assert.equal(Object.keys(c.tensors).filter((k) => k.startsWith('model.')).length, 2);
        }
        return 'ok' as const;
      }, (e: Error) => {
        assert.match(e.message, /^(resume: |loadSafetensors: )/, `case ${i}`);
        return 'refused' as const;
      });
    } finally {
      console.warn = warn;
    }
    tally('checkpoint', outcome);
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('4194303')), [], 'temporary files of dead writers removed');
  }
});

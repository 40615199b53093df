import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { decodeImage, DEFAULT_MAX_PIXELS } from '../../src/data/node/decode.js';
import { loadFixture } from '../helpers/index.js';
import { chunk, concat, ihdr, pngOf, pngWithIdat, SIGNATURE } from '../helpers/png-bytes.js';

const fixture = loadFixture<{ png: Record<string, { png: string; height: number; width: number; rgb: string }>; pilMaxPixels: number }>('hostile');

test('decodeImage decodes the PNGs PIL writes in every mode to the pixels PIL decodes', () => {
  for (const [name, c] of Object.entries(fixture.png)) {
    if (name === 'mode-I16') continue; // PIL clips 16-bit grey to 255 in convert('RGB'); pngjs keeps the high byte
    const img = decodeImage(new Uint8Array(Buffer.from(c.png, 'base64')), name);
    assert.deepEqual([img.height, img.width, img.channels], [c.height, c.width, 3], name);
    assert.ok(Buffer.from(img.data).equals(Buffer.from(c.rgb, 'base64')), `${name}: pixels equal PIL's`);
  }
  const i16 = fixture.png['mode-I16'];
  assert.deepEqual(decodeImage(new Uint8Array(Buffer.from(i16.png, 'base64'))).dims, [3, i16.height, i16.width], '16-bit grey is accepted');
});

test('the default pixel limit is PIL\'s decompression-bomb threshold', () => {
  assert.equal(DEFAULT_MAX_PIXELS, fixture.pilMaxPixels);
});

test('a 73-byte PNG declaring 100,000,000x1 pixels with a 16-byte IDAT is refused before decoding (it aborted Node)', () => {
  const bytes = pngWithIdat({ width: 100_000_000, height: 1 }, new Uint8Array(16));
  assert.throws(() => decodeImage(bytes, 'bomb.png'), /^Error: decodeImage: bomb\.png has 16 bytes of compressed data, which cannot hold the 100000001 bytes its 100000000x1 pixels need/);
  assert.throws(() => decodeImage(pngWithIdat({ width: 1000, height: 1 }, new Uint8Array(16)), 'junk.png'), /junk\.png has corrupt or truncated image data/);
});

test('short, missing or excess image data is refused, the same way every time (never uninitialised pixels)', () => {
  const header = { width: 64, height: 64, colourType: 2 };
  const full = new Uint8Array(64 * (1 + 64 * 3)).fill(7);
  for (let row = 0; row < 64; row++) full[row * (1 + 64 * 3)] = 0; // filter type None
  const short = pngWithIdat(header, deflateSync(full.subarray(0, full.length - 1000)));
  for (let i = 0; i < 20; i++) {
    // allocate and free buffers full of a secret between tries: none of it may come back as pixels
    Buffer.alloc(1 << 16, 'secret');
    assert.throws(() => decodeImage(short, 'short.png'), /short\.png is truncated: its image data holds 11352 of the 12352 bytes/);
  }
  const none = concat([SIGNATURE, ihdr(header), chunk('IEND')]);
  assert.throws(() => decodeImage(none, 'none.png'), /none\.png has no image data/);
  const cut = pngWithIdat(header, deflateSync(full).subarray(0, 20));
  assert.throws(() => decodeImage(cut, 'cut.png'), /cut\.png has corrupt or truncated image data/);
  const excess = pngWithIdat(header, deflateSync(concat([full, new Uint8Array(5000)])));
  assert.throws(() => decodeImage(excess, 'excess.png'), /excess\.png has image data that decompresses to more than the 12352 bytes/);
  assert.equal(decodeImage(pngOf(header, full)).data[0], 7, 'the complete file decodes');
});

test('decompression bombs are refused by the pixel limit before anything is inflated; the limit is per call', () => {
  const bomb = pngWithIdat({ width: 30000, height: 30000 }, new Uint8Array(16));
  assert.ok(bomb.length < 80);
  assert.throws(() => decodeImage(bomb, 'bomb.png'), /bomb\.png declares 30000x30000 = 900000000 pixels, more than the limit of 178956970 \(a decompression bomb\?\); raise it with the maxPixels option/);
  const big = pngOf({ width: 2000, height: 1000 }, new Uint8Array(1000 * 2001));
  assert.ok(big.length < 10_000, 'a 2-megapixel PNG of a few kilobytes');
  assert.equal(decodeImage(big).width, 2000);
  assert.throws(() => decodeImage(big, 'big.png', { maxPixels: 1_000_000 }), /declares 2000x1000 = 2000000 pixels, more than the limit of 1000000/);
  assert.throws(() => decodeImage(big, 'big.png', { maxPixels: 0 }), /maxPixels must be a positive integer, got 0/);
});

test('malformed PNG headers are refused with the reason', () => {
  const data = new Uint8Array(10);
  const cases: [Uint8Array, RegExp][] = [
    [pngWithIdat({ width: 0, height: 4 }, data), /declares width 0/],
    [pngWithIdat({ width: 4, height: 2 ** 31 }, data), /declares height 2147483648/],
    [pngWithIdat({ width: 4, height: 4, colourType: 5 }, data), /colour type 5/],
    [pngWithIdat({ width: 4, height: 4, colourType: 2, bitDepth: 4 }, data), /bit depth 4 with colour type 2/],
    [pngWithIdat({ width: 4, height: 4, interlace: 2 }, data), /interlace method 2/],
    [pngWithIdat({ width: 4, height: 4, colourType: 3 }, deflateSync(new Uint8Array(4 * 5))), /palette image without a PLTE chunk/],
    [concat([SIGNATURE, chunk('IDAT', data)]), /starts with chunk "IDAT"/],
    [SIGNATURE, /is truncated/],
    [pngWithIdat({ width: 4, height: 4 }, data).subarray(0, 40), /is truncated/],
  ];
  for (const [bytes, why] of cases) assert.throws(() => decodeImage(bytes, 'x.png'), why);
});

test('interlaced PNGs: the Adam7 passes\' sizes are what the check expects', () => {
  // 5x3 grey, 8-bit: passes 1..7 are 1x1, 1x1, empty, 1x1, 3x1, 2x2, 5x1; each row is 1 + width bytes
  const scan = new Uint8Array(2 + 2 + 0 + 2 + 4 + 2 * 3 + 6);
  const img = decodeImage(pngOf({ width: 5, height: 3, interlace: 1 }, scan));
  assert.deepEqual(img.dims, [3, 3, 5]);
});

function tinyJpeg(): Uint8Array {
  const data = new Uint8Array(16 * 16 * 4).fill(200);
  return new Uint8Array(jpeg.encode({ data, width: 16, height: 16 }, 90).data);
}

test('a 16x16 JPEG declaring 10000x10000 is refused at once from its size; JPEGs obey the pixel limit', () => {
  const bytes = tinyJpeg();
  assert.equal(decodeImage(bytes).width, 16);
  const sof = bytes.findIndex((b, i) => b === 0xff && bytes[i + 1] === 0xc0);
  const patched = bytes.slice();
  new DataView(patched.buffer).setUint16(sof + 5, 10000);
  new DataView(patched.buffer).setUint16(sof + 7, 10000);
  assert.throws(() => decodeImage(patched, 'big.jpg'), /big\.jpg declares 10000x10000 pixels \(1562500 8x8 blocks per component at least\), more than its \d+ bytes can code/);
  assert.throws(() => decodeImage(bytes, 'small.jpg', { maxPixels: 100 }), /small\.jpg declares 16x16 = 256 pixels, more than the limit of 100/);
  const zero = bytes.slice();
  new DataView(zero.buffer).setUint16(sof + 5, 0);
  assert.throws(() => decodeImage(zero, 'dnl.jpg'), /dnl\.jpg declares 16x0 pixels/);
  const arithmetic = bytes.slice();
  arithmetic[sof + 1] = 0xc9;
  assert.throws(() => decodeImage(arithmetic, 'ac.jpg'), /ac\.jpg uses JPEG process 0xffc9 .* not supported/);
});

test('JPEGs libjpeg writes, baseline and progressive, pass the checks and decode to PIL\'s pixels within decoder rounding', () => {
  const jpegs = loadFixture<{ jpeg: Record<string, { jpeg: string; height: number; width: number; rgb: string }> }>('hostile').jpeg;
  for (const [name, c] of Object.entries(jpegs)) {
    const img = decodeImage(new Uint8Array(Buffer.from(c.jpeg, 'base64')), name);
    assert.deepEqual([img.height, img.width], [c.height, c.width], name);
    const pil = Buffer.from(c.rgb, 'base64');
    // two JPEG decoders differ per pixel (IDCT rounding; chroma upsampling, large at this image's noisy blue edges)
    const mean = img.data.reduce((m, v, i) => m + Math.abs(v - pil[i]), 0) / img.data.length;
    assert.ok(mean <= 3, `${name}: differs from PIL by ${mean.toFixed(2)} levels on average`);
  }
});

test('a JPEG whose scans never code a component\'s DC coefficients is refused (it would decode from nothing)', () => {
  const bytes = tinyJpeg();
  const sos = bytes.findIndex((b, i) => b === 0xff && bytes[i + 1] === 0xda);
  const n = bytes[sos + 4];
  const acOnly = bytes.slice();
  acOnly[sos + 5 + 2 * n] = 1; // Ss = 1: a scan of AC coefficients only
  assert.throws(() => decodeImage(acOnly, 'ac.jpg'), /ac\.jpg has no scan coding the DC coefficients of components 1, 2, 3/);
});

/** PNG files built chunk by chunk (with correct CRCs), so tests can write any header and any image data. */
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) crc = CRC_TABLE[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export function chunk(type: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

export interface Ihdr {
  width: number;
  height: number;
  bitDepth?: number;
  colourType?: number;
  interlace?: number;
}

export function ihdr({ width, height, bitDepth = 8, colourType = 0, interlace = 0 }: Ihdr): Uint8Array {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  data.set([bitDepth, colourType, 0, 0, interlace], 8);
  return chunk('IHDR', data);
}

export const SIGNATURE = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A PNG with the given header and raw (already filtered, uncompressed) scanlines, deflated into one IDAT. */
export function pngOf(header: Ihdr, scanlines: Uint8Array, extra: Uint8Array[] = []): Uint8Array {
  return concat([SIGNATURE, ihdr(header), ...extra, chunk('IDAT', deflateSync(scanlines)), chunk('IEND')]);
}

/** A PNG whose IDAT holds `idat` verbatim (any bytes, compressed or not). */
export function pngWithIdat(header: Ihdr, idat: Uint8Array): Uint8Array {
  return concat([SIGNATURE, ihdr(header), chunk('IDAT', idat), chunk('IEND')]);
}

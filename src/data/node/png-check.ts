/**
 * PNG structure checked before pngjs sees the file (https://www.w3.org/TR/png/): the signature, chunk lengths
 * within the file, an IHDR with a legal bit depth and colour type, the pixel limit, a palette where one is
 * needed, and compressed data that inflates, within a bound, to exactly the bytes the dimensions need. pngjs
 * alone trusts the header: a 68-byte file could make it allocate gigabytes, abort inside zlib, or return
 * pixels from uninitialised memory when the data is short. After these checks its input is well formed.
 */
import { inflateSync } from 'node:zlib';
import { checkPixels, imageError } from './image-limits.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Bit depths each colour type allows, and its samples per pixel. */
const COLOUR_TYPES: Record<number, { depths: number[]; samples: number }> = {
  0: { depths: [1, 2, 4, 8, 16], samples: 1 },
  2: { depths: [8, 16], samples: 3 },
  3: { depths: [1, 2, 4, 8], samples: 1 },
  4: { depths: [8, 16], samples: 2 },
  6: { depths: [8, 16], samples: 4 },
};
/** deflate cannot expand data more than ~1032:1 (258-byte matches coded in 2 bits); a little slack on top. */
const MAX_DEFLATE_RATIO = 1100;
/** Adam7's passes: [x0, y0, dx, dy]. */
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];

export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colourType: number;
  interlaced: boolean;
}

export const isPngSignature = (b: Uint8Array): boolean => b.length >= 8 && SIGNATURE.every((v, i) => b[i] === v);

/** Bytes of filtered scanlines (a filter byte per row) an image of this header decompresses to. */
export function inflatedSize(h: PngHeader): number {
  const bits = COLOUR_TYPES[h.colourType].samples * h.bitDepth;
  const bytes = (w: number, rows: number): number => (w > 0 && rows > 0 ? rows * (1 + Math.ceil((w * bits) / 8)) : 0);
  if (!h.interlaced) return bytes(h.width, h.height);
  return ADAM7.reduce((n, [x0, y0, dx, dy]) => n + bytes(Math.ceil((h.width - x0) / dx), Math.ceil((h.height - y0) / dy)), 0);
}

function parseHeader(data: Uint8Array, name: string): PngHeader {
  if (data.length !== 13) throw imageError(name, `has an IHDR chunk of ${data.length} bytes (expected 13)`);
  const v = new DataView(data.buffer, data.byteOffset, 13);
  const h = { width: v.getUint32(0), height: v.getUint32(4), bitDepth: data[8], colourType: data[9], interlaced: data[12] === 1 };
  for (const [what, n] of [['width', h.width], ['height', h.height]] as const) {
    if (n === 0 || n > 0x7fffffff) throw imageError(name, `declares ${what} ${n} (expected 1 to 2^31-1)`);
  }
  const type = COLOUR_TYPES[h.colourType];
  if (!type) throw imageError(name, `declares colour type ${h.colourType} (expected 0, 2, 3, 4 or 6)`);
  if (!type.depths.includes(h.bitDepth)) throw imageError(name, `declares bit depth ${h.bitDepth} with colour type ${h.colourType} (allowed: ${type.depths.join(', ')})`);
  if (data[10] !== 0 || data[11] !== 0) throw imageError(name, `declares compression method ${data[10]} / filter method ${data[11]} (only 0 exists)`);
  if (data[12] > 1) throw imageError(name, `declares interlace method ${data[12]} (expected 0 or 1)`);
  return h;
}

interface Chunks {
  header: PngHeader;
  hasPalette: boolean;
  idat: Uint8Array[];
}

function readChunks(bytes: Uint8Array, name: string, maxPixels: number): Chunks {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: PngHeader | null = null;
  let hasPalette = false;
  const idat: Uint8Array[] = [];
  for (let at = 8; ; ) {
    if (at + 12 > bytes.length) throw imageError(name, `is truncated: the chunk at byte ${at} does not fit in the file's ${bytes.length} bytes${header ? '' : ' (no IHDR)'}`);
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (length > bytes.length - at - 12) throw imageError(name, `is truncated: chunk ${JSON.stringify(type)} at byte ${at} declares ${length} bytes, the file has ${bytes.length - at - 12} left`);
    const data = bytes.subarray(at + 8, at + 8 + length);
    at += 12 + length;
    if (!header) {
      if (type !== 'IHDR') throw imageError(name, `starts with chunk ${JSON.stringify(type)} (the first must be IHDR)`);
      header = parseHeader(data, name);
      checkPixels(name, header.width, header.height, maxPixels);
    } else if (type === 'PLTE') hasPalette = true;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') return { header, hasPalette, idat };
  }
}

/**
 * Validates a PNG file and returns its header: refuses, with the reason, anything whose decoding would allocate
 * past `maxPixels` or read image data that is not there. Costs one bounded inflate of the image data.
 */
export function checkPng(bytes: Uint8Array, name: string, maxPixels: number): PngHeader {
  const { header, hasPalette, idat } = readChunks(bytes, name, maxPixels);
  if (header.colourType === 3 && !hasPalette) throw imageError(name, 'is a palette image without a PLTE chunk');
  const need = inflatedSize(header);
  const compressed = idat.reduce((n, c) => n + c.length, 0);
  if (compressed === 0) throw imageError(name, `has no image data (no IDAT chunk, or only empty ones) for its ${header.width}x${header.height} pixels`);
  if (need > MAX_DEFLATE_RATIO * compressed) {
    throw imageError(name, `has ${compressed} bytes of compressed data, which cannot hold the ${need} bytes its ${header.width}x${header.height} pixels need`);
  }
  let inflated: Uint8Array;
  try {
    inflated = inflateSync(idat.length === 1 ? idat[0] : Buffer.concat(idat), { maxOutputLength: need });
  } catch (e) {
    const err = e as Error & { code?: string };
    if (err.code === 'ERR_BUFFER_TOO_LARGE') throw imageError(name, `has image data that decompresses to more than the ${need} bytes its ${header.width}x${header.height} pixels need`);
    throw imageError(name, `has corrupt or truncated image data (${err.message})`);
  }
  if (inflated.length !== need) throw imageError(name, `is truncated: its image data holds ${inflated.length} of the ${need} bytes its ${header.width}x${header.height} pixels need`);
  return header;
}

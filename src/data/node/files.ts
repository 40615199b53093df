import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { constants as bufferConstants } from 'node:buffer';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { isGzip } from '../datasets/idx.js';

/** deflate expands at most ~1032:1; a declared size beyond that from the file's length is a lie. */
const MAX_DEFLATE_RATIO = 1100;
/** Compressed bytes inflated to read the data's own header (its declared size). */
const HEAD_INPUT = 4096;

/** What the data's own header (its first decompressed bytes) says its whole size is, or null when it cannot tell. */
export type DeclaredSize = (head: Uint8Array) => number | null;

/** The first decompressed bytes of `raw` (as many as HEAD_INPUT compressed bytes give), or an empty array. */
function gunzipHead(raw: Uint8Array): Uint8Array {
  try {
    return gunzipSync(raw.subarray(0, HEAD_INPUT), { finishFlush: zlibConstants.Z_SYNC_FLUSH, maxOutputLength: 2 * MAX_DEFLATE_RATIO * HEAD_INPUT });
  } catch {
    return new Uint8Array(0);
  }
}

/**
 * Gunzips with a bound: the size the data's header declares (IDX), else the size gzip's trailer records
 * (ISIZE); more output than that is refused before it is allocated, so a small file cannot expand to gigabytes.
 */
export function gunzipBounded(raw: Uint8Array, path: string, declaredSize?: DeclaredSize): Uint8Array {
  const isize = raw.length >= 18 ? new DataView(raw.buffer, raw.byteOffset + raw.length - 4, 4).getUint32(0, true) : 0;
  const declared = declaredSize?.(gunzipHead(raw)) ?? null;
  const limit = declared ?? isize;
  const source = declared === null ? "gzip's trailer" : 'its header';
  if (limit > MAX_DEFLATE_RATIO * raw.length + 1024 || limit > bufferConstants.MAX_LENGTH) {
    throw new Error(`${path}: ${source} declares ${limit} bytes of data, more than ${raw.length} bytes of gzip can hold (corrupt, or a decompression bomb)`);
  }
  try {
    const bytes = gunzipSync(raw, { maxOutputLength: Math.max(limit, 1) });
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch (err) {
    const e = err as Error & { code?: string };
    if (e.code === 'ERR_BUFFER_TOO_LARGE') throw new Error(`${path}: decompresses to more than the ${limit} bytes ${source} declares (corrupt, or a decompression bomb)`);
    throw new Error(`${path}: corrupt gzip data (${e.message})`);
  }
}

/** The file's bytes, gunzipped (within the bound of gunzipBounded) when they are gzip-compressed, whatever the file is called. */
export function readMaybeGzip(path: string, declaredSize?: DeclaredSize): Uint8Array {
  const raw = readFileSync(path);
  return isGzip(raw) ? gunzipBounded(raw, path, declaredSize) : new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
}

export function isDirectory(path: string): boolean {
  return existsSync(path) && statSync(path).isDirectory();
}

/** The first of `names` (each tried plain and with .gz) present in `dir`, or null. */
export function findFile(dir: string, names: readonly string[]): string | null {
  for (const name of names) {
    for (const candidate of [name, `${name}.gz`]) {
      const path = join(dir, candidate);
      if (existsSync(path) && statSync(path).isFile()) return path;
    }
  }
  return null;
}

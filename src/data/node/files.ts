import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { isGzip } from '../datasets/idx.js';

/** The file's bytes, gunzipped when they are gzip-compressed (whatever the file is called). */
export function readMaybeGzip(path: string): Uint8Array {
  const raw = readFileSync(path);
  try {
    const bytes = isGzip(raw) ? gunzipSync(raw) : raw;
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  } catch (err) {
    throw new Error(`${path}: corrupt gzip data (${(err as Error).message})`);
  }
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

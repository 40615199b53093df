/**
 * Writes the four WebAssembly builds embedded in src/backends/wasm/binary.ts as .wasm files into a folder, under
 * the names src/backends/wasm/builds-browser.ts fetches: browsers load one file instead of all four as base64.
 * `npm run build` writes them next to dist/backends/wasm/builds-browser.js (where bundlers find them through
 * `new URL(..., import.meta.url)`), `npm run web:build` next to the page's script.
 *
 *   node --import tsx tools/wasm/write-builds.ts <folder>
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as BINARY from '../../src/backends/wasm/binary.js';

/** File name of each build, as builds-browser.ts spells them. */
export const BUILD_FILES: Record<keyof typeof BINARY, string> = {
  SIMD: 'convkit-simd.wasm',
  SIMD_SHARED: 'convkit-simd-shared.wasm',
  RELAXED: 'convkit-relaxed.wasm',
  RELAXED_SHARED: 'convkit-relaxed-shared.wasm',
};

export function writeBuilds(folder: string): string[] {
  mkdirSync(folder, { recursive: true });
  return Object.entries(BUILD_FILES).map(([name, file]) => {
    const path = join(folder, file);
    writeFileSync(path, Buffer.from(BINARY[name as keyof typeof BINARY], 'base64'));
    return path;
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const folder = process.argv[2];
  if (!folder) throw new Error('write-builds: expected the output folder as the first argument, got none');
  for (const path of writeBuilds(folder)) console.log(`wrote ${path}`);
}

/**
 * The browser's source of the WebAssembly builds (package.json's "browser" map puts it in place of builds.ts):
 * each build is a file of its own next to the script, fetched by `ck.ready()`, so a page downloads one build
 * (~36 KB) instead of carrying all four as base64 (192 KB). The literal `new URL('./x.wasm', import.meta.url)`
 * form is the one Vite, webpack and Parcel recognise and copy as assets; `npm run build` and `npm run web:build`
 * write the files (tools/wasm/write-builds.ts).
 */
import type { BuildName } from './builds.js';

const URLS: Record<BuildName, () => URL> = {
  SIMD: () => new URL('./convkit-simd.wasm', import.meta.url),
  SIMD_SHARED: () => new URL('./convkit-simd-shared.wasm', import.meta.url),
  RELAXED: () => new URL('./convkit-relaxed.wasm', import.meta.url),
  RELAXED_SHARED: () => new URL('./convkit-relaxed-shared.wasm', import.meta.url),
};

/** Never synchronous in a browser: the bytes are fetched. */
export function buildBytesSync(_name: BuildName): null {
  return null;
}

export async function buildBytes(name: BuildName): Promise<Uint8Array<ArrayBuffer>> {
  const url = URLS[name]();
  const response = await fetch(url);
  if (!response.ok) throw new Error(`wasm backend: could not load ${url} (HTTP ${response.status}); serve the .wasm files next to the script`);
  return new Uint8Array(await response.arrayBuffer());
}

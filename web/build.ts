/**
 * Builds the playground into a static folder any host can serve: the page, its script (esbuild, minified, the
 * library taken from src/ through package.json's "browser" map, so no WebAssembly travels inside it; split into
 * app.js and the chunks it loads when needed), the four .wasm builds beside the script (the page fetches the one
 * it needs), the built-in Fashion-MNIST slice, and a
 * `_headers` file carrying the cross-origin isolation headers for hosts that read it (Netlify, Cloudflare Pages).
 *
 *   npm run web:build [-- --out web/dist]
 */
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { writeBuilds } from '../tools/wasm/write-builds.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');
export const DEFAULT_OUT = join(here, 'dist');

/** The headers that make a page cross-origin isolated, so SharedArrayBuffer and the wasm threads exist. */
export const ISOLATION_HEADERS: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export interface SiteInfo {
  out: string;
  /** uncompressed size of each script esbuild wrote, in bytes */
  bytes: Record<string, number>;
}

export async function buildSite(out = DEFAULT_OUT): Promise<SiteInfo> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'data'), { recursive: true });
  const result = await esbuild.build({
    // the page, and the worker its Train tab trains in on wasm (web/src/train-worker.ts)
    entryPoints: { app: join(here, 'src', 'main.ts'), 'train-worker': join(here, 'src', 'train-worker.ts') },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // split as a user's bundler would: the wasm backend's JavaScript loads with ck.ready(), the webgpu kernels only
    // where that backend starts, the exporter and fit never (the page has its own loop)
    splitting: true,
    outdir: out,
    entryNames: '[name]',
    // chunks beside app.js: builds-browser.ts finds the .wasm files next to the script that holds it
    chunkNames: '[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
  });
  writeBuilds(out);
  for (const file of ['index.html', 'style.css']) copyFileSync(join(here, file), join(out, file));
  const data = join(root, 'data', 'fashion-mnist');
  for (const file of readdirSync(data).filter((f) => f.endsWith('.gz'))) copyFileSync(join(data, file), join(out, 'data', file));
  const headers = Object.entries(ISOLATION_HEADERS).map(([k, v]) => `  ${k}: ${v}`).join('\n');
  writeFileSync(join(out, '_headers'), `# Cross-origin isolation: lets the wasm backend run on every core (SharedArrayBuffer).\n# Netlify and Cloudflare Pages read this file; elsewhere send these two headers with every response.\n/*\n${headers}\n`);
  const bytes = Object.fromEntries(Object.entries(result.metafile.outputs).map(([file, o]) => [file, o.bytes]));
  return { out, bytes };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { out: { type: 'string', default: DEFAULT_OUT } } });
  const info = await buildSite(values.out);
  console.log(`web:build: wrote ${info.out} (${Object.entries(info.bytes).map(([f, b]) => `${f} ${(b / 1024).toFixed(1)} KB`).join(', ')})`);
}

/**
 * What a browser bundle of `import * as ck from 'convkit'` carries: package.json's "browser" map swaps the
 * embedded builds (builds.ts, all four as base64) for builds-browser.ts, which fetches one .wasm file, and the
 * parts used only through asynchronous calls load lazily (import()). Measured with esbuild's metafile, as a
 * user's bundler would build it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import * as esbuild from 'esbuild';
import * as BINARY from '../../../src/backends/wasm/binary.js';
import { BUILD_FILES, writeBuilds } from '../../../tools/wasm/write-builds.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Output files of a split build: the entry and every chunk it imports statically (what loads before any import()). */
function staticClosure(outputs: esbuild.Metafile['outputs'], entry: string): Set<string> {
  const seen = new Set<string>();
  const stack = [entry];
  for (let file = stack.pop(); file !== undefined; file = stack.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    for (const i of outputs[file].imports) if (i.kind === 'import-statement') stack.push(i.path);
  }
  return seen;
}

test('a browser bundle of convkit carries no WebAssembly; its entry stays under 104 KB gzip in 2 files and its lazy chunks under 52 KB', async () => {
  // code splitting on, as Vite and webpack build: what `import * as ck from 'convkit'` loads is the entry chunk and
  // the chunks it imports statically; the rest loads by import() when used: the wasm backend's JavaScript and the
  // webgpu kernels at ck.ready(), the ONNX exporter at toOnnx, the ONNX importer at fromOnnx, the protobuf codec at
  // decodeModel/encodeModel, the training loop at fit/evaluate, feature visualisation at activationMaximization
  const out = mkdtempSync(join(tmpdir(), 'convkit-bundle-'));
  try {
    const result = await esbuild.build({
      stdin: { contents: "import * as ck from './src/index.ts'; export default ck;", resolveDir: root, loader: 'ts' },
      bundle: true, minify: true, format: 'esm', platform: 'browser', splitting: true, outdir: out, write: false, metafile: true, logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    assert.ok(inputs.includes('src/backends/wasm/builds-browser.ts'), 'the browser map picks builds-browser.ts');
    assert.ok(!inputs.includes('src/backends/wasm/binary.ts'), 'no embedded builds');
    assert.ok(!inputs.includes('src/backends/native/addon.ts'), 'no native addon loader');
    const outputs = result.metafile.outputs;
    const entry = Object.keys(outputs).find((f) => outputs[f].entryPoint === '<stdin>')!;
    const eager = staticClosure(outputs, entry);
    const gzip = (files: string[]): number => files.reduce((sum, f) => sum + gzipSync(result.outputFiles.find((o) => relative(root, o.path) === f)!.contents).length, 0);
    const eagerFiles = [...eager];
    const lazyFiles = Object.keys(outputs).filter((f) => f.endsWith('.js') && !eager.has(f));
    const lazyEntries = lazyFiles.map((f) => outputs[f].entryPoint).filter((e) => e !== undefined).sort();
    assert.deepEqual(lazyEntries, [
      'src/backends/wasm/wasm-chunk.ts', 'src/backends/webgpu/index.ts', 'src/io/onnx/codec.ts', 'src/io/onnx/export.ts', 'src/io/onnx/import.ts',
      'src/train/evaluate.ts', 'src/train/fit.ts', 'src/vis/activation-max.ts',
    ]);
    const sizes = { entry: { files: eagerFiles.length, gzip: gzip(eagerFiles) }, lazy: { files: lazyFiles.length, gzip: gzip(lazyFiles) } };
    console.log(JSON.stringify(sizes));
    // issue 15 asks for 100 KB, still open: 125 KB before the lazy chunks, 121 KB with them in 11 files, 112 KB in
    // 2 files since every lazy part imports the entry (src/index.ts), 103 KB since ONNX import loads on first use
    // and the signature and method tables shrank; what is left is the synchronous API (ops, nn, the model zoo, data
    // and transforms, optimisers and schedulers, the reference backend)
    assert.ok(eagerFiles.length <= 2, `the entry loads its modules in one shared chunk, got ${eagerFiles.join(', ')}`);
    assert.ok(sizes.entry.gzip < 104 * 1024, `the entry and its static chunks, minified and gzipped: ${sizes.entry.gzip} bytes`);
    assert.ok(sizes.lazy.gzip < 52 * 1024, `the lazily loaded chunks, minified and gzipped: ${sizes.lazy.gzip} bytes`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('the .wasm files are the embedded builds, under the names builds-browser.ts fetches', () => {
  const dir = mkdtempSync(join(tmpdir(), 'convkit-builds-'));
  try {
    writeBuilds(dir);
    const source = readFileSync(join(root, 'src/backends/wasm/builds-browser.ts'), 'utf8');
    for (const [name, file] of Object.entries(BUILD_FILES)) {
      assert.ok(source.includes(`new URL('./${file}', import.meta.url)`), `builds-browser.ts fetches ${file}`);
      assert.deepEqual(readFileSync(join(dir, file)), Buffer.from(BINARY[name as keyof typeof BINARY], 'base64'));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without SharedArrayBuffer (a page that is not cross-origin isolated) wasm runs on one thread and getNumThreads says 1', () => {
  // as a browser page without isolation: the global is gone (tsx's own loader needs it, so it goes after start-up)
  const script = "delete globalThis.SharedArrayBuffer; const ck = await import('./src/index.ts'); await ck.ready(); const y = ck.randn([64, 64]).matmul(ck.randn([64, 64])); console.log(JSON.stringify({ backend: ck.getBackend(), threads: ck.getNumThreads(), shape: y.shape }));";
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out.trim().split('\n').at(-1)!), { backend: 'wasm', threads: 1, shape: [64, 64] });
});

#!/usr/bin/env node
/**
 * Builds the native (oneDNN) backend's addon with node-gyp when oneDNN's headers are installed.
 *   node tools/native/build.mjs            build, failing loudly (npm run build:native)
 *   node tools/native/build.mjs --optional at install: without oneDNN, one line on how to enable it, and success
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const optional = process.argv.includes('--optional');
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const HEADER_DIRS = ['/usr/include', '/usr/local/include', process.env.DNNL_INCLUDE_DIR].filter(Boolean);
const hasOneDNN = HEADER_DIRS.some((d) => existsSync(join(d, 'oneapi', 'dnnl', 'dnnl.hpp')));

function done(message, ok) {
  console.log(`convkit: ${message}`);
  process.exit(ok || optional ? 0 : 1);
}

if (!hasOneDNN) done('native backend not built (oneDNN not found); to enable it: apt-get install libdnnl-dev && npm run build:native', false);

// npm hands scripts its bundled node-gyp; a plain `node` call finds it next to npm
const nodeGyp = process.env.npm_config_node_gyp ?? join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
if (!existsSync(nodeGyp)) done(`native backend not built: node-gyp not found at ${nodeGyp}`, false);
// Node's own headers, where the installation has them, so node-gyp never tries to download any
const installPrefix = join(dirname(process.execPath), '..');
const nodedir = process.env.npm_config_nodedir ?? (existsSync(join(installPrefix, 'include', 'node', 'node_api.h')) ? installPrefix : null);
const gypArgs = [nodeGyp, 'rebuild', '--directory', join(root, 'native'), ...(nodedir ? [`--nodedir=${nodedir}`] : [])];
const r = spawnSync(process.execPath, gypArgs, { stdio: optional ? 'pipe' : 'inherit', encoding: 'utf8' });
if (r.status !== 0) {
  if (optional) process.stderr.write(r.stdout + r.stderr);
  done('native backend build failed (see above); the wasm backend works without it', false);
}
done('native backend built (oneDNN)', true);

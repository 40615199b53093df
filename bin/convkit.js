#!/usr/bin/env node
// Runs the built CLI (dist/, made by `npm run build`, which `npm ci` runs through `prepare`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/bin.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('convkit: dist/ is missing; build it with `npm run build` (npm ci does this through prepare)\n');
  process.exit(1);
}
await import(entry.href);

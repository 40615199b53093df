/**
 * The run directory, checked before any training: created one level at a time (Node's recursive mkdir spins
 * forever on file systems like /proc that answer ENOENT to every mkdir), then proven writable by writing and
 * removing one small file. Each step is one system call, so a bad --out fails at once with the reason.
 */
import { closeSync, mkdirSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { removeStaleTemporaryFiles } from '../io/files.js';
import { UsageError } from './args.js';

function kindOf(path: string): 'dir' | 'other' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'dir' : 'other';
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return 'missing';
    throw e;
  }
}

/** mkdir -p with one mkdir per missing level, refusing a level that exists as a file. */
function makeDirs(out: string, path: string): void {
  const kind = kindOf(path);
  if (kind === 'dir') return;
  if (kind === 'other') throw new UsageError(`--out ${out}: ${path} exists and is not a directory`);
  const parent = dirname(path);
  if (parent !== path) makeDirs(out, parent);
  mkdirSync(path);
}

/**
 * Makes `out` (and its parents) and checks a file can be written there; errors name --out and the reason.
 * Temporary files that a killed run's atomic writes left behind are removed.
 */
export function prepareOutDir(out: string): void {
  if (out.trim() === '') throw new UsageError(`--out must name a directory, got '${out}'`);
  const path = resolve(out);
  try {
    makeDirs(out, path);
    const probe = `${path}/.convkit-write-test-${process.pid}`;
    const fd = openSync(probe, 'w');
    try {
      writeSync(fd, 'ok');
    } finally {
      closeSync(fd);
      rmSync(probe, { force: true });
    }
    removeStaleTemporaryFiles(path);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const err = e as Error & { code?: string };
    throw new UsageError(`--out ${out}: cannot create or write the run directory (${err.code ?? err.message}${err.code ? `: ${err.message.replace(/^\w+: /, '')}` : ''})`);
  }
}

/** ONNX files on disk for `convkit/node`: external data is read from files beside the model. */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import type { Module } from '../../nn/module.js';
import type { Tensor } from '../../core/tensor.js';
import { writeFileAtomic } from '../files.js';
import { toOnnx, type ToOnnxOptions } from './export.js';
import type { FromOnnxOptions, OnnxModule } from './import.js';
import { checkArity } from './arity.js';
import { fromOnnx } from './lazy-import.js';
import type { ExternalRef } from './proto.js';

/** Reads external tensor data relative to `dir`, refusing locations that leave it (as onnx's checker does). */
function fileReader(dir: string): (ref: ExternalRef) => Uint8Array {
  return (ref) => {
    const rel = normalize(ref.location);
    if (isAbsolute(rel) || rel.split(sep).includes('..')) throw new Error(`loadOnnx: external data location '${ref.location}' of tensor '${ref.name}' must stay inside the model's folder`);
    const path = join(dir, rel);
    const size = statSync(path).size;
    const length = ref.length ?? size - ref.offset;
    if (ref.offset + length > size) throw new RangeError(`loadOnnx: tensor '${ref.name}' reads bytes ${ref.offset}..${ref.offset + length} of ${path}, which has ${size}`);
    const out = new Uint8Array(length);
    const fd = openSync(path, 'r');
    try {
      readSync(fd, out, 0, length, ref.offset);
    } finally {
      closeSync(fd);
    }
    return out;
  };
}

/** ck.onnx.fromOnnx from a file path, with external data from files beside it; asynchronous as fromOnnx is. */
export async function loadOnnx(path: string, opts: Omit<FromOnnxOptions, 'externalData'> = {}): Promise<OnnxModule> {
  if (typeof path !== 'string') throw new TypeError(`loadOnnx: expected a file path, got ${typeof path}`);
  checkArity('loadOnnx', arguments.length, ['path', 'options']);
  // external data always comes from the files beside the model: a caller's own reader would be overwritten
  if (opts === null || typeof opts !== 'object' || 'externalData' in opts) {
    throw new TypeError(`loadOnnx: expected an options object without externalData (read from files beside ${path}), got ${opts === null ? 'null' : typeof opts === 'object' ? 'one with externalData' : typeof opts}`);
  }
  return fromOnnx(await readFile(path), { ...opts, externalData: fileReader(dirname(path)) });
}

/** ck.onnx.toOnnx written to a file (atomically). */
export async function saveOnnx(model: Module, exampleInput: Tensor | Tensor[], path: string, opts: ToOnnxOptions = {}): Promise<void> {
  if (typeof path !== 'string') throw new TypeError(`saveOnnx: expected a file path, got ${typeof path}`);
  writeFileAtomic(path, await toOnnx(model, exampleInput, opts));
}

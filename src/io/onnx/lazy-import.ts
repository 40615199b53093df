/**
 * `ck.onnx.fromOnnx`, `decodeModel` and `encodeModel` as the main entry exports them: the importer (the operators
 * it runs) and the protobuf codec are chunks of their own that the first call loads, so pages that never read or
 * write ONNX do not download them, as with toOnnx. So all three are asynchronous; their arguments are checked
 * before anything loads, and every error, a bad argument included, rejects the returned promise.
 */
import type { ExternalDataReader, OnnxModel } from './proto.js';
import type { FromOnnxOptions, OnnxModule } from './import.js';
import { checkArity } from './arity.js';

const OPTION_KEYS = ['outputs', 'externalData'];

const kind = (v: unknown): string => (v === null ? 'null' : typeof v);

function checkBytes(op: string, bytes: unknown): void {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`${op}: expected the model's bytes as a Uint8Array, got ${kind(bytes)}`);
}

function checkReader(op: string, what: string, reader: unknown): void {
  if (reader !== undefined && typeof reader !== 'function') throw new TypeError(`${op}: ${what} must be a function ({ location, offset, length, name, dims, dataType }) => Uint8Array`);
}

/** Parses ONNX bytes into a trainable module (see docs/onnx.md for the operator table). */
export async function fromOnnx(bytes: Uint8Array, opts: FromOnnxOptions = {}): Promise<OnnxModule> {
  checkArity('fromOnnx', arguments.length, ['bytes', 'options']);
  checkBytes('fromOnnx', bytes);
  if (opts === null || typeof opts !== 'object') throw new TypeError('fromOnnx: expected an options object');
  const unknown = Object.keys(opts).filter((k) => !OPTION_KEYS.includes(k));
  if (unknown.length) throw new TypeError(`fromOnnx: unknown option(s) ${unknown.join(', ')} (expected ${OPTION_KEYS.join(', ')})`);
  if (opts.outputs !== undefined && (!Array.isArray(opts.outputs) || opts.outputs.length === 0 || opts.outputs.some((o) => typeof o !== 'string'))) {
    throw new TypeError(`fromOnnx: outputs must be a non-empty list of value names, got ${JSON.stringify(opts.outputs)}`);
  }
  checkReader('fromOnnx', 'externalData', opts.externalData);
  return (await import('./import.js')).importModel(bytes, opts);
}

/** Parses ONNX protobuf bytes into plain objects (tensors stored outside the file come from `external`). */
export async function decodeModel(bytes: Uint8Array, external?: ExternalDataReader): Promise<OnnxModel> {
  checkArity('decodeModel', arguments.length, ['bytes', 'external']);
  checkBytes('decodeModel', bytes);
  checkReader('decodeModel', 'external', external);
  return (await import('./codec.js')).decodeModel(bytes, external);
}

/** Serialises a model held as plain objects (what decodeModel gives) to ONNX's protobuf bytes. */
export async function encodeModel(model: OnnxModel): Promise<Uint8Array> {
  checkArity('encodeModel', arguments.length, ['model']);
  if (model === null || typeof model !== 'object' || model.graph === null || typeof model.graph !== 'object') {
    throw new TypeError(`encodeModel: expected a model object with a graph, got ${kind(model)}`);
  }
  return (await import('./codec.js')).encodeModel(model);
}

/**
 * The IDX format of MNIST and Fashion-MNIST: a 4-byte magic (0, 0, element type, number of dims),
 * big-endian uint32 sizes, then the elements row-major, big-endian. Pure parsing: bytes in, arrays out.
 */
import { fmt, numel } from '../../core/shape.js';

export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  type: IdxType;
  shape: number[];
  data: IdxData;
}

const TYPES: Record<number, [IdxType, number]> = {
  0x08: ['uint8', 1],
  0x09: ['int8', 1],
  0x0b: ['int16', 2],
  0x0c: ['int32', 4],
  0x0d: ['float32', 4],
  0x0e: ['float64', 8],
};

/** True for bytes that start with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The whole file's size as the header at the start of `head` declares it, or null when `head` is too short or no IDX header. */
export function idxDeclaredSize(head: Uint8Array): number | null {
  if (head.length < 4 || head[0] !== 0 || head[1] !== 0 || !TYPES[head[2]]) return null;
  const start = 4 + 4 * head[3];
  if (head.length < start) return null;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let n = TYPES[head[2]][1];
  for (let i = 0; i < head[3]; i++) n *= view.getUint32(4 + 4 * i, false);
  return start + n;
}

/** Parses an uncompressed IDX file; `name` (a file name) makes errors point at the culprit. */
export function parseIdx(bytes: Uint8Array, name = 'IDX data'): IdxArray {
  const fail = (why: string): never => {
    throw new Error(`parseIdx: ${name} is not a valid IDX file: ${why}`);
  };
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`parseIdx: expected a Uint8Array, got ${typeof bytes}`);
  if (isGzip(bytes)) fail('it is gzip-compressed; decompress it first (convkit/node\'s loaders do; in a browser use DecompressionStream(\'gzip\'))');
  if (bytes.length < 4) fail(`it has ${bytes.length} bytes, fewer than the 4-byte header`);
  if (bytes[0] !== 0 || bytes[1] !== 0) fail(`the magic number must start with two zero bytes, got ${bytes[0]}, ${bytes[1]}`);
  const entry = TYPES[bytes[2]];
  if (!entry) fail(`unknown element type 0x${bytes[2].toString(16)}`);
  const [type, size] = entry;
  const ndim = bytes[3];
  const start = 4 + 4 * ndim;
  if (bytes.length < start) fail(`the header announces ${ndim} dims but the file ends after ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i, false));
  const expected = numel(shape) * size;
  if (bytes.length - start !== expected) {
    fail(`the header says ${type} ${fmt(shape)} (${expected} bytes of data) but the file has ${bytes.length - start} bytes after the header (truncated or corrupt)`);
  }
  return { type, shape, data: readElements(view, start, numel(shape), type) };
}

function readElements(view: DataView, start: number, n: number, type: IdxType): IdxData {
  if (type === 'uint8') return new Uint8Array(view.buffer, view.byteOffset + start, n).slice();
  if (type === 'int8') return new Int8Array(view.buffer, view.byteOffset + start, n).slice();
  const out = type === 'int16' ? new Int16Array(n) : type === 'int32' ? new Int32Array(n) : type === 'float32' ? new Float32Array(n) : new Float64Array(n);
  const size = out.BYTES_PER_ELEMENT;
  for (let i = 0; i < n; i++) {
    const at = start + i * size;
    out[i] = type === 'int16' ? view.getInt16(at) : type === 'int32' ? view.getInt32(at) : type === 'float32' ? view.getFloat32(at) : view.getFloat64(at);
  }
  return out;
}

/** Writes an IDX file (uncompressed): for tests and for cutting slices of data sets. */
export function encodeIdx(array: IdxArray): Uint8Array {
  const code = Number(Object.keys(TYPES).find((k) => TYPES[Number(k)][0] === array.type));
  const size = TYPES[code][1];
  const n = numel(array.shape);
  if (array.data.length !== n) throw new RangeError(`encodeIdx: shape ${fmt(array.shape)} needs ${n} elements, got ${array.data.length}`);
  const start = 4 + 4 * array.shape.length;
  const bytes = new Uint8Array(start + n * size);
  const view = new DataView(bytes.buffer);
  bytes.set([0, 0, code, array.shape.length]);
  array.shape.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  for (let i = 0; i < n; i++) {
    const at = start + i * size;
    const v = array.data[i];
    if (array.type === 'uint8') view.setUint8(at, v);
    else if (array.type === 'int8') view.setInt8(at, v);
    else if (array.type === 'int16') view.setInt16(at, v);
    else if (array.type === 'int32') view.setInt32(at, v);
    else if (array.type === 'float32') view.setFloat32(at, v);
    else view.setFloat64(at, v);
  }
  return bytes;
}

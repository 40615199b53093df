/**
 * The element types of the safetensors format and how each becomes a convkit dtype. F32, F64, I32 and BOOL
 * are stored as they are; the others are converted on load: F16/BF16 widen exactly to float32, the narrow
 * integers (U8, I8, I16, U16) widen exactly to int32, and the wide integers (I64, U32, U64: PyTorch's
 * `num_batches_tracked` counters are I64) become int32 after a range check, never wrapped or clamped.
 */
import { allocArray, type DType, type TypedArray } from '../core/dtype.js';

export type SafetensorsDType = 'BOOL' | 'U8' | 'I8' | 'I16' | 'U16' | 'F16' | 'BF16' | 'I32' | 'U32' | 'F32' | 'F64' | 'I64' | 'U64';

interface Codec {
  bytes: number;
  dtype: DType;
  /** Reads element i of a little-endian buffer. */
  read(view: DataView, i: number): number;
}

const CODECS: Record<SafetensorsDType, Codec> = {
  BOOL: { bytes: 1, dtype: 'bool', read: (v, i) => v.getUint8(i) },
  U8: { bytes: 1, dtype: 'int32', read: (v, i) => v.getUint8(i) },
  I8: { bytes: 1, dtype: 'int32', read: (v, i) => v.getInt8(i) },
  I16: { bytes: 2, dtype: 'int32', read: (v, i) => v.getInt16(2 * i, true) },
  U16: { bytes: 2, dtype: 'int32', read: (v, i) => v.getUint16(2 * i, true) },
  F16: { bytes: 2, dtype: 'float32', read: (v, i) => halfToFloat(v.getUint16(2 * i, true)) },
  BF16: { bytes: 2, dtype: 'float32', read: (v, i) => bfloat16ToFloat(v.getUint16(2 * i, true)) },
  I32: { bytes: 4, dtype: 'int32', read: (v, i) => v.getInt32(4 * i, true) },
  U32: { bytes: 4, dtype: 'int32', read: (v, i) => v.getUint32(4 * i, true) },
  F32: { bytes: 4, dtype: 'float32', read: (v, i) => v.getFloat32(4 * i, true) },
  F64: { bytes: 8, dtype: 'float64', read: (v, i) => v.getFloat64(8 * i, true) },
  I64: { bytes: 8, dtype: 'int32', read: (v, i) => Number(v.getBigInt64(8 * i, true)) },
  U64: { bytes: 8, dtype: 'int32', read: (v, i) => Number(v.getBigUint64(8 * i, true)) },
};

const WRITE_AS: Record<DType, SafetensorsDType> = { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' };

const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function isSafetensorsDType(s: unknown): s is SafetensorsDType {
  return typeof s === 'string' && Object.hasOwn(CODECS, s);
}

export const SAFETENSORS_DTYPES = Object.keys(CODECS) as SafetensorsDType[];

export const bytesPerElement = (d: SafetensorsDType): number => CODECS[d].bytes;

export const convkitDType = (d: SafetensorsDType): DType => CODECS[d].dtype;

export const safetensorsDType = (d: DType): SafetensorsDType => WRITE_AS[d];

/** Decodes `count` little-endian elements of type `d`; `name` is the tensor's, for errors. */
export function decode(bytes: Uint8Array, d: SafetensorsDType, count: number, name: string): TypedArray {
  const codec = CODECS[d];
  const out = allocArray(codec.dtype, count);
  if (HOST_IS_LITTLE_ENDIAN && WRITE_AS[codec.dtype] === d && d !== 'BOOL') {
    // stored exactly as convkit holds it in memory: one byte copy, whatever the source alignment
    new Uint8Array(out.buffer).set(bytes);
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < count; i++) {
    const v = codec.read(view, i);
    if (codec.dtype === 'int32' && (v < -2147483648 || v > 2147483647)) {
      throw new RangeError(`loadSafetensors: tensor '${name}' (${d}) holds ${v} at element ${i}, outside convkit's int32 range`);
    }
    if (d === 'BOOL' && v > 1) throw new RangeError(`loadSafetensors: tensor '${name}' (BOOL) holds byte ${v} at element ${i}, expected 0 or 1`);
    out[i] = v;
  }
  return out;
}

/** The little-endian bytes of a contiguous typed array, as safetensors stores them. */
export function encode(data: TypedArray): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (HOST_IS_LITTLE_ENDIAN || data.BYTES_PER_ELEMENT === 1) return bytes;
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) {
    if (data instanceof Float32Array) view.setFloat32(4 * i, data[i], true);
    else if (data instanceof Float64Array) view.setFloat64(8 * i, data[i], true);
    else view.setInt32(4 * i, data[i], true);
  }
  return out;
}

/** IEEE 754 binary16 to a JS number (exact: every half value is a float32 value). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

const bf16Scratch = new DataView(new ArrayBuffer(4));

/** bfloat16 is the top half of a float32. */
function bfloat16ToFloat(b: number): number {
  bf16Scratch.setUint32(0, b << 16);
  return bf16Scratch.getFloat32(0);
}

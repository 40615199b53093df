/** The element types convkit stores. float64 exists for gradient checking, int32 for labels and indices, bool for masks. */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];

export function allocArray(dtype: DType, length: number): TypedArray {
  try {
    return newArray(dtype, length);
  } catch (e) {
    // V8's own words ('Invalid typed array length', 'Array buffer allocation failed') name neither the size nor the type
    throw new RangeError(`cannot allocate a ${dtype} tensor of ${length} elements (${length * BYTES[dtype]} bytes): ${(e as Error).message}`);
  }
}

const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

function newArray(dtype: DType, length: number): TypedArray {
  switch (dtype) {
    case 'float32': return new Float32Array(length);
    case 'float64': return new Float64Array(length);
    case 'int32': return new Int32Array(length);
    case 'bool': return new Uint8Array(length);
  }
}

export function dtypeOfArray(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  return 'bool';
}

export function isFloating(d: DType): boolean {
  return d === 'float32' || d === 'float64';
}

export function checkDType(d: unknown, where: string): DType {
  if (typeof d === 'string' && (DTYPES as readonly string[]).includes(d)) return d as DType;
  throw new TypeError(`${where}: unknown dtype ${JSON.stringify(d)}, expected one of ${DTYPES.join(', ')}`);
}

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/** PyTorch's type promotion between two tensors: bool < int32 < float32 < float64. */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** The dtype an operation that only makes sense on real numbers (exp, sqrt, division) computes in. */
export function floatingResult(d: DType): DType {
  return isFloating(d) ? d : 'float32';
}

/** Converts a JS number to what storing it in `dtype` keeps (int32 truncates toward zero, bool is 0/1). */
export function castScalar(v: number, dtype: DType): number {
  switch (dtype) {
    case 'int32': return Math.trunc(v) | 0;
    case 'bool': return v ? 1 : 0;
    case 'float32': return Math.fround(v);
    default: return v;
  }
}

/**
 * What flows between imported ONNX nodes: float data as convkit tensors (differentiable, on any backend),
 * and integer data (shapes, axes, indices: what PyTorch's Shape/Gather/Unsqueeze chains compute) as plain
 * JS arrays, known without reading a device.
 */
import { Tensor } from '../../core/tensor.js';
import { tensor } from '../../ops/index.js';

export class Static {
  constructor(readonly dims: number[], readonly values: number[]) {
    const n = dims.reduce((a, b) => a * b, 1);
    if (n !== values.length) throw new RangeError(`onnx: static value of dims [${dims}] holds ${values.length} values`);
  }
}

export type Value = Tensor | Static;

export const isStatic = (v: Value | undefined): v is Static => v instanceof Static;

/** A tensor for a value: int data joins float math as float32, as PyTorch's exported casts intend. */
export function asTensor(v: Value, op: string): Tensor {
  if (v instanceof Tensor) return v;
  if (v instanceof Static) return tensor(v.values, { shape: v.dims, dtype: 'float32' });
  throw new TypeError(`fromOnnx: ${op} expected a tensor input, got ${typeof v}`);
}

/** The numbers of a value known at import time (a Static, or a float constant); tensors computed at run time are refused. */
export function numbersOf(v: Value | undefined, op: string, what: string, constants: Map<Tensor, number[]>): number[] {
  if (v === undefined) throw new Error(`fromOnnx: ${op} is missing its ${what} input`);
  if (v instanceof Static) return v.values;
  const known = constants.get(v);
  if (known) return known;
  throw new Error(`fromOnnx: ${op} needs its ${what} as a constant (an initializer, a Constant node or a Shape computation), got a tensor computed at run time`);
}

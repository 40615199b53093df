import type { View } from '../backend.js';
import type { GpuContext } from './context.js';
import { dataKernels } from './data-kernels.js';
import { bufferOf, GpuStorage } from './storage.js';
import { layout } from './wgsl.js';

export interface Dense {
  buffer: GPUBuffer;
  /** Element offset of the view's first element in `buffer`. */
  offset: number;
  /** Releases the temporary copy, if one was made. */
  done(): void;
}

/** The view's elements in row-major order: the storage itself when already contiguous, else a temporary copy. */
export function dense(ctx: GpuContext, v: View, op: string): Dense {
  if (layout(v)[0] === 0) return { buffer: bufferOf(v, op), offset: v.offset, done: () => undefined };
  const copy = dataKernels(ctx).copy(v, v.dtype) as GpuStorage;
  return { buffer: copy.buffer, offset: 0, done: () => copy.release() };
}

/**
 * An activation a native convolution left in oneDNN's blocked layout (nChw16c on AVX-512), so that the next native
 * convolution reads it as it is instead of paying a reorder out and a reorder in (7 ms of ResNet-18's 46 at batch 1).
 * To every other kernel it is an ordinary CpuStorage of plain NCHW elements: the first read of `data` reorders them
 * into a plain array and drops the blocked one, so anything that may write in place (every write goes through
 * `data`) writes the only copy there is, and the blocked array is never stale.
 */
import { CpuStorage } from '../backend.js';
import type { View } from '../backend.js';
import { isContiguous } from '../reference/strided.js';
import type { Layout } from './addon.js';

const NO_ELEMENTS = new Float32Array(0);

export class BlockedStorage extends CpuStorage {
  #blocked: Float32Array | null;
  #plain: Float32Array | null = null;
  readonly #toPlain: (blocked: Float32Array, plain: Float32Array) => void;

  /** `dims` [N, C, H, W] of the activation; `toPlain` reorders it from `layout` into plain NCHW. */
  constructor(blocked: Float32Array, readonly dims: readonly number[], readonly layout: Layout, toPlain: (blocked: Float32Array, plain: Float32Array) => void) {
    super(NO_ELEMENTS, 'float32', 'native');
    this.#blocked = blocked;
    this.#toPlain = toPlain;
  }

  /** The plain elements, reordered on first read; from then on this storage is plain. */
  override get data(): Float32Array {
    if (!this.#plain) {
      this.#plain = new Float32Array(this.#blocked!.length);
      this.#toPlain(this.#blocked!, this.#plain);
      this.#blocked = null;
    }
    return this.#plain;
  }

  override get length(): number {
    return (this.#plain ?? this.#blocked!).length;
  }

  /** The blocked array while nothing has read the plain elements, else null. */
  get blocked(): Float32Array | null {
    return this.#blocked;
  }
}

/**
 * The blocked array and layout of `v` when it is the whole of a blocked activation seen as [N, C, 1, H, W] (a
 * convolution's 5-D input), else null: a view of part of it, or of another shape, reads the plain elements.
 */
export function blockedActivation(v: View): { data: Float32Array; layout: Layout } | null {
  const s = v.storage;
  if (!(s instanceof BlockedStorage) || v.offset !== 0 || !isContiguous(v.shape, v.strides)) return null;
  const [n, c, d, h, w] = v.shape;
  if (n !== s.dims[0] || c !== s.dims[1] || d !== 1 || h !== s.dims[2] || w !== s.dims[3]) return null;
  const data = s.blocked;
  return data && { data, layout: s.layout };
}

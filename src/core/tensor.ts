import type { Storage, View } from '../backends/backend.js';
import { backendOf } from '../backends/registry.js';
import { isFloating, type DType, type TypedArray } from './dtype.js';
import { contiguousStrides, numel, type Shape } from './shape.js';
import { Node, runBackward, type BackwardOptions } from './autograd.js';
import { formatTensor } from './format.js';
import { disposeStorage, isDisposed, track } from './memory.js';

/**
 * An n-dimensional array on a backend's storage, with autograd bookkeeping. A tensor is a strided view
 * (shape, strides, offset) onto a storage, so reshapes, transposes and slices share memory as in PyTorch.
 * Math methods are attached by the ops layer (src/ops/methods.ts).
 */
export class Tensor implements View {
  readonly shape: number[];
  readonly strides: number[];
  /** The gradient accumulated by `backward()`; assign null to clear it. */
  grad: Tensor | null = null;
  /** The operation that produced this tensor (null for leaves). */
  gradFn: Node | null = null;
  private _requiresGrad = false;

  constructor(
    readonly storage: Storage,
    shape: Shape,
    readonly dtype: DType,
    strides?: readonly number[],
    readonly offset = 0,
  ) {
    this.shape = shape.slice();
    this.strides = strides ? strides.slice() : contiguousStrides(shape);
    track(storage);
  }

  get requiresGrad(): boolean {
    return this._requiresGrad;
  }

  set requiresGrad(flag: boolean) {
    if (!this.isLeaf) {
      throw new Error('requiresGrad: you can only change requiresGrad of leaf tensors; use detach() for a leaf copy without gradient');
    }
    if (flag && !isFloating(this.dtype)) throw new TypeError(`requiresGrad: only floating point tensors can require gradients, got ${this.dtype}`);
    this._requiresGrad = flag;
  }

  /** Sets requiresGrad in place and returns the tensor, like torch's `requires_grad_()`. */
  requiresGrad_(flag = true): this {
    this.requiresGrad = flag;
    return this;
  }

  /** Called by autograd's `record`: the tensor becomes a non-leaf output of `node`. */
  attachGradFn(node: Node): void {
    this.gradFn = node;
    this._requiresGrad = true;
  }

  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** Keeps the gradient of this non-leaf tensor in `.grad` during backward. */
  retainGrad(): this {
    if (this.gradFn) this.gradFn.retained = this;
    else if (!this.requiresGrad) throw new Error("retainGrad: can't retain the gradient of a tensor that does not require grad");
    return this;
  }

  get ndim(): number {
    return this.shape.length;
  }

  dim(): number {
    return this.shape.length;
  }

  size(dim?: number): number | number[] {
    return dim === undefined ? this.shape.slice() : this.shape[dim < 0 ? dim + this.ndim : dim];
  }

  numel(): number {
    return numel(this.shape);
  }

  get device(): string {
    return this.storage.device;
  }

  isContiguous(): boolean {
    let expected = 1;
    for (let i = this.shape.length - 1; i >= 0; i--) {
      if (this.shape[i] !== 1 && this.strides[i] !== expected) return false;
      expected *= this.shape[i];
    }
    return true;
  }

  /** The storage with exactly this view's elements in row-major order (a copy unless it already is one). */
  private dense(op: string): Storage {
    if (isDisposed(this.storage)) throw new Error(`${op}: the tensor was disposed`);
    if (this.isContiguous() && this.offset === 0 && this.storage.length === this.numel()) return this.storage;
    return backendOf(this.device).kernels.copy(this, this.dtype);
  }

  /** A fresh typed array with the elements in row-major order, synchronously: CPU devices only. */
  dataSync(): TypedArray {
    return this.readNow('dataSync');
  }

  private readNow(op: string): TypedArray {
    const be = backendOf(this.device);
    if (!be.readSync) throw new Error(`${op}: a ${this.device} tensor is read with \`await t.data()\` (its device has no synchronous reads)`);
    return be.readSync(this.dense(op));
  }

  /** The elements in row-major order, on every device (GPU devices read back asynchronously). */
  async data(): Promise<TypedArray> {
    return backendOf(this.device).read(this.dense('data'));
  }

  /** Frees the storage now (all views of it too), for explicit control of device memory; later use is an error. */
  dispose(): void {
    disposeStorage(this.storage);
  }

  get isDisposed(): boolean {
    return isDisposed(this.storage);
  }

  /** Nested JS arrays (a number for a 0-d tensor; booleans for bool tensors). */
  toArray(): NestedArray {
    return nest(this.readNow('toArray'), this.shape, this.dtype);
  }

  /** The single element as a JS number. */
  item(): number {
    const n = this.numel();
    if (n !== 1) throw new RangeError(`item: a tensor with ${n} elements (shape [${this.shape.join(',')}]) cannot be converted to a scalar`);
    return this.readNow('item')[0];
  }

  /** Nested JS arrays, on every device. */
  async array(): Promise<NestedArray> {
    const flat = await this.data();
    return nest(flat, this.shape, this.dtype);
  }

  /** Backpropagates from this tensor; the gradient defaults to 1 for a single-element output. */
  backward(gradient?: Tensor, opts: BackwardOptions = {}): void {
    if (gradient === undefined) {
      if (this.numel() !== 1) throw new Error(`backward: grad can be implicitly created only for scalar outputs, got shape [${this.shape.join(',')}]`);
      gradient = new Tensor(backendOf(this.device).kernels.fill(this.dtype, 1, 1), this.shape, this.dtype);
    }
    runBackward([this], [gradient], opts);
  }

  toString(): string {
    return formatTensor(this);
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

export type NestedArray = number | boolean | NestedArray[];

function nest(flat: TypedArray, shape: readonly number[], dtype: DType): NestedArray {
  const asValue = (v: number): number | boolean => (dtype === 'bool' ? v !== 0 : v);
  const build = (dim: number, offset: number): NestedArray => {
    if (dim === shape.length) return asValue(flat[offset]);
    const step = numel(shape.slice(dim + 1));
    return Array.from({ length: shape[dim] }, (_, i) => build(dim + 1, offset + i * step));
  };
  return build(0, 0);
}

import type { Storage, View } from '../backends/backend.js';
import { currentBackend } from '../backends/registry.js';
import { isFloating, type DType, type TypedArray } from './dtype.js';
import { contiguousStrides, numel, type Shape } from './shape.js';
import { Node, runBackward, type BackwardOptions } from './autograd.js';
import { formatTensor } from './format.js';

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

  /** A fresh typed array with the elements in row-major order (synchronous; CPU backends). */
  dataSync(): TypedArray {
    const be = currentBackend();
    const dense = this.isContiguous() && this.offset === 0 && this.storage.length === this.numel();
    return be.readSync(dense ? this.storage : be.kernels.copy(this, this.dtype));
  }

  /** The elements in row-major order, on every backend (GPU backends read back asynchronously). */
  async data(): Promise<TypedArray> {
    const be = currentBackend();
    const dense = this.isContiguous() && this.offset === 0 && this.storage.length === this.numel();
    return be.read(dense ? this.storage : be.kernels.copy(this, this.dtype));
  }

  /** Nested JS arrays (a number for a 0-d tensor; booleans for bool tensors). */
  toArray(): NestedArray {
    const flat = this.dataSync();
    const asValue = (v: number): number | boolean => (this.dtype === 'bool' ? v !== 0 : v);
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.ndim) return asValue(flat[offset]);
      const step = numel(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, offset + i * step));
    };
    return build(0, 0);
  }

  /** The single element as a JS number. */
  item(): number {
    const n = this.numel();
    if (n !== 1) throw new RangeError(`item: a tensor with ${n} elements (shape [${this.shape.join(',')}]) cannot be converted to a scalar`);
    return this.dataSync()[0];
  }

  /** Backpropagates from this tensor; the gradient defaults to 1 for a single-element output. */
  backward(gradient?: Tensor, opts: BackwardOptions = {}): void {
    if (gradient === undefined) {
      if (this.numel() !== 1) throw new Error(`backward: grad can be implicitly created only for scalar outputs, got shape [${this.shape.join(',')}]`);
      gradient = new Tensor(currentBackend().kernels.fill(this.dtype, 1, 1), this.shape, this.dtype);
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

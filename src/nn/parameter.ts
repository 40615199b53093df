import { Tensor } from '../core/tensor.js';

/** A tensor that a Module owns and trains: a leaf that requires grad by default, as torch.nn.Parameter. */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    super(data.storage, data.shape, data.dtype, data.strides, data.offset);
    this.requiresGrad = requiresGrad;
  }
}

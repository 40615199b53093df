import { shapesEqual, fmt } from '../core/shape.js';
import { keep } from '../core/memory.js';
import { Tensor } from '../core/tensor.js';

/** A tensor that a Module owns and trains: a leaf that requires grad by default, as torch.nn.Parameter. */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    super(data.storage, data.shape, data.dtype, data.strides, data.offset);
    this.requiresGrad = requiresGrad;
    keep(this);
  }
}

/** The fields that say where a tensor's values are; a shape-preserving swap rewrites exactly these. */
type DataFields = { -readonly [K in 'storage' | 'dtype' | 'strides' | 'offset']: Tensor[K] };

/**
 * Points `param` at `data`'s values (same shape, possibly another dtype), as PyTorch's `param.data = data`
 * in Module._apply: the Parameter object survives, so an optimizer built before `model.double()` still
 * holds the model's parameters. Internal to nn (Module.to); tensors are otherwise read-only views.
 */
export function setParameterData(param: Parameter, data: Tensor): void {
  if (!shapesEqual(param.shape, data.shape)) throw new RangeError(`setParameterData: expected data of the parameter's shape ${fmt(param.shape)}, got ${fmt(data.shape)}`);
  const fields: DataFields = { storage: data.storage, dtype: data.dtype, strides: data.strides.slice(), offset: data.offset };
  Object.assign(param, fields);
  keep(param);
}

import { readsSync } from '../backends/registry.js';
import { Tensor } from '../core/tensor.js';
import { tensor } from '../ops/creation.js';
import { stack } from '../ops/indexing.js';
import { noGrad } from '../core/autograd.js';
import { Image } from './image.js';
import { hostData, hostTensor } from './host.js';
import { allocArray } from '../core/dtype.js';
import { shapesEqual } from '../core/shape.js';

/**
 * torch.stack of samples. Samples in CPU memory are copied into one array and handed to the backend once,
 * rather than through a kernel call per sample; the values are the same.
 */
function stackSamples(samples: Tensor[]): Tensor {
  const first = samples[0];
  const direct = samples.every((t) => readsSync(t.device) && t.dtype === first.dtype && shapesEqual(t.shape, first.shape));
  if (!direct) return noGrad(() => stack(samples));
  const n = first.numel();
  const out = allocArray(first.dtype, n * samples.length);
  samples.forEach((t, i) => out.set(hostData(t), i * n));
  return hostTensor(out, [samples.length, ...first.shape], first.dtype);
}

/**
 * Puts a list of samples together into a batch, as torch's default_collate: tensors are stacked along a new
 * first dim, numbers become a tensor (int32 when all are integers, the dtype of class labels, else float32),
 * and tuples and objects are collated field by field.
 */
export function defaultCollate(batch: readonly unknown[]): unknown {
  if (batch.length === 0) throw new RangeError('defaultCollate: cannot collate an empty batch');
  const first = batch[0];
  const kindOf = (v: unknown): string => (v instanceof Tensor ? 'Tensor' : v instanceof Image ? 'Image' : Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
  batch.forEach((v, i) => {
    if (kindOf(v) !== kindOf(first)) throw new TypeError(`defaultCollate: sample ${i} is ${kindOf(v)} but sample 0 is ${kindOf(first)}`);
  });
  if (first instanceof Tensor) return stackSamples(batch as Tensor[]);
  if (typeof first === 'number') {
    const values = batch as number[];
    return tensor(values, { dtype: values.every(Number.isInteger) ? 'int32' : 'float32' });
  }
  if (typeof first === 'boolean') return tensor(batch as boolean[]);
  if (Array.isArray(first)) {
    batch.forEach((v, i) => {
      if ((v as unknown[]).length !== first.length) throw new RangeError(`defaultCollate: each sample must have the same number of fields: sample 0 has ${first.length}, sample ${i} has ${(v as unknown[]).length}`);
    });
    return first.map((_, k) => defaultCollate(batch.map((v) => (v as unknown[])[k])));
  }
  if (first instanceof Image) throw new TypeError('defaultCollate: samples are Images; add transforms.ToTensor() to the dataset\'s transform');
  if (typeof first === 'object' && first !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first)) out[key] = defaultCollate(batch.map((v) => (v as Record<string, unknown>)[key]));
    return out;
  }
  throw new TypeError(`defaultCollate: batch must contain tensors, numbers, arrays or objects; found ${kindOf(first)}`);
}

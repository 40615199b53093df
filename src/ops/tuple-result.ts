import type { Tensor } from '../core/tensor.js';

/**
 * What PyTorch returns as a named tuple (`torch.return_types.sort`): destructures as `[values, indices]`
 * and still reads as `.values` / `.indices`.
 */
export type ValuesIndicesTuple = [values: Tensor, indices: Tensor] & { readonly values: Tensor; readonly indices: Tensor };

export function valuesIndices(values: Tensor, indices: Tensor): ValuesIndicesTuple {
  return Object.assign([values, indices] as [Tensor, Tensor], { values, indices });
}

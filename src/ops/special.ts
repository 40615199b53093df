import { define, is, signature } from '../core/args.js';
import { record } from '../core/autograd.js';
import { floatingResult } from '../core/dtype.js';
import { Tensor } from '../core/tensor.js';
import { describe, kernels, wrap } from './dispatch.js';
import { exp, mul, square } from './elementwise.js';


/** erfOf(x) = 2/√π ∫₀ˣ e^(-t²) dt; its derivative is 2/√π e^(-x²). */
function erfOf(x: Tensor): Tensor {
  if (!(x instanceof Tensor)) throw new TypeError(`erf: expected a Tensor, got ${describe(x)}`);
  const dtype = floatingResult(x.dtype);
  const out = wrap(kernels('erf', x).erf(x, dtype), x.shape, dtype);
  return record('ErfBackward0', out, [x], (g) => [mul(g, mul(exp(mul(square(x), -1)), 2 / Math.sqrt(Math.PI)))]);
}

export const erf = define(signature('erf', 'torch.', [['input', is.tensor]], []), ({ input }) => erfOf(input));

import type { Tensor } from '../core/tensor.js';
import { tensor } from '../ops/creation.js';

/**
 * The classic 3×3 (and 5×5) image kernels, as listed in Wikipedia's "Kernel (image processing)" and the
 * lecture: three edge detectors, sharpen, box blur and Gaussian blur. Each call returns a fresh [k, k] tensor,
 * ready for conv2d after reshape([1, 1, k, k]).
 */
const EDGES = [
  [[1, 0, -1], [0, 0, 0], [-1, 0, 1]],
  [[0, -1, 0], [-1, 4, -1], [0, -1, 0]],
  [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
];

/** Edge detection 1, 2 or 3: diagonal differences, the 4-neighbour Laplacian, the 8-neighbour Laplacian. */
export function edgeDetection(variant: 1 | 2 | 3 = 1): Tensor {
  const k = EDGES[variant - 1];
  if (!k) throw new RangeError(`edgeDetection: variant must be 1, 2 or 3, got ${variant}`);
  return tensor(k);
}

/** The identity plus the 4-neighbour Laplacian. */
export function sharpen(): Tensor {
  return tensor([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]);
}

/** The mean of a size×size neighbourhood. */
export function boxBlur(size = 3): Tensor {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`boxBlur: size must be a positive integer, got ${size}`);
  return tensor(Array.from({ length: size }, () => new Array<number>(size).fill(1 / (size * size))));
}

/** The binomial approximation of a Gaussian: outer product of [1,2,1]/4 (size 3) or [1,4,6,4,1]/16 (size 5). */
export function gaussianBlur(size: 3 | 5 = 3): Tensor {
  const row = size === 3 ? [1, 2, 1] : size === 5 ? [1, 4, 6, 4, 1] : null;
  if (!row) throw new RangeError(`gaussianBlur: size must be 3 or 5, got ${size}`);
  const total = row.reduce((a, b) => a + b, 0) ** 2;
  return tensor(row.map((a) => row.map((b) => (a * b) / total)));
}

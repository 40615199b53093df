/** `ck.vis.grid`: many images laid out as one, as torchvision.utils.make_grid. */
import type { Tensor } from '../core/tensor.js';
import { pad } from '../ops/conv/pad.js';
import { amax, amin, cat, clamp, full, reshape } from '../ops/index.js';
import { checkImage, checkKeys, intIn, numberIn, show } from './check.js';

export interface GridOptions {
  /** Images per row (default 8). */
  nrow?: number;
  /** Pixels between and around the images (default 2). */
  padding?: number;
  /** Shift and scale to [0, 1] by the min and max (or `valueRange`). */
  normalize?: boolean;
  valueRange?: [number, number];
  /** Normalise each image by its own range instead of the whole batch's. */
  scaleEach?: boolean;
  padValue?: number;
}

const GRID_KEYS = ['nrow', 'padding', 'normalize', 'valueRange', 'scaleEach', 'padValue'];

/** make_grid's norm_range: clamp to [low, high] and map it to [0, 1]; without a range, the tensor's own. */
export function normalizeRange(t: Tensor, valueRange?: [number, number], dims?: number[]): Tensor {
  const low = valueRange ? valueRange[0] : amin(t, dims, true);
  const high = valueRange ? valueRange[1] : amax(t, dims, true);
  const span = typeof low === 'number' ? Math.max((high as number) - low, 1e-5) : clamp((high as Tensor).sub(low), 1e-5);
  return clamp(t, low, high).sub(low).div(span);
}

/** [N, C, H, W] or [C, H, W] (or [H, W]) images → one [3 or C, H', W'] image; one-channel images become grey RGB. */
export function grid(tensor: Tensor, opts: GridOptions = {}): Tensor {
  const o = checkKeys('vis.grid', opts, GRID_KEYS) as GridOptions;
  checkImage('vis.grid', 'tensor', tensor, [2, 3, 4]);
  const nrow = intIn('vis.grid', 'nrow', o.nrow ?? 8, 1);
  const padding = intIn('vis.grid', 'padding', o.padding ?? 2, 0);
  const padValue = numberIn('vis.grid', 'padValue', o.padValue ?? 0, -Infinity);
  if (o.valueRange !== undefined && !(Array.isArray(o.valueRange) && o.valueRange.length === 2 && o.valueRange.every(Number.isFinite))) {
    throw new TypeError(`vis.grid: valueRange must be [low, high], got ${show(o.valueRange)}`);
  }
  let t = tensor.ndim === 2 ? tensor.unsqueeze(0) : tensor;
  if (t.ndim === 3) t = (t.shape[0] === 1 ? cat([t, t, t], 0) : t).unsqueeze(0);
  if (t.shape[1] === 1) t = cat([t, t, t], 1);
  if (o.normalize) t = normalizeRange(t, o.valueRange, o.scaleEach ? [1, 2, 3] : undefined);
  if (t.shape[0] === 1) return t.squeeze(0);
  const [n, c, h, w] = t.shape;
  const cols = Math.min(nrow, n);
  const rows = Math.ceil(n / cols);
  // each cell is an image with `padding` pixels above and to its left; empty cells hold padValue
  let cells = pad(t, [padding, 0, padding, 0], { value: padValue });
  if (rows * cols > n) cells = cat([cells, full([rows * cols - n, c, h + padding, w + padding], padValue)], 0);
  const laid = reshape(cells, [rows, cols, c, h + padding, w + padding]).permute([2, 0, 3, 1, 4]);
  return pad(reshape(laid, [c, rows * (h + padding), cols * (w + padding)]), [0, padding, 0, padding], { value: padValue });
}

/** Nearest-neighbour enlargement by an integer factor ([..., H, W] → [..., H·f, W·f]): small kernels and maps stay crisp. */
export function upscale(t: Tensor, factor: number): Tensor {
  checkImage('vis.upscale', 't', t, [2, 3, 4]);
  const f = intIn('vis.upscale', 'factor', factor, 1);
  const lead = t.shape.slice(0, -2);
  const [h, w] = t.shape.slice(-2);
  const wide = t.reshape([...lead, h, 1, w, 1]).expand([...lead, h, f, w, f]);
  return reshape(wide.contiguous(), [...lead, h * f, w * f]);
}

/** `ck.vis.filters`: a conv layer's kernels as one image grid. */
import { Tensor } from '../core/tensor.js';
import { Conv2d } from '../nn/modules/conv.js';
import { reshape } from '../ops/index.js';
import { checkKeys, intIn, oneOf, show } from './check.js';
import { grid, normalizeRange } from './grid.js';

export interface FiltersOptions {
  /** 'each' (default, or true): every kernel scaled to its own min..max; 'all': one scale for the layer; 'none' (or false): raw. */
  normalize?: 'each' | 'all' | 'none' | boolean;
  /** Kernels with other than 3 input channels: 'average' over them (default) or 'channels', one grey tile per input channel (a row per kernel). */
  inputChannels?: 'average' | 'channels';
  /** Pixels between tiles (default 1). */
  padding?: number;
  /** Tiles per row (default: √ of the count, or the input channels with 'channels'). */
  nrow?: number;
}

/**
 * [out, in, kh, kw] weights (or a Conv2d) → [3, H, W] image in [0, 1]: kernels with 3 input channels in colour
 * (the first layer of an RGB network), others averaged over their input channels or one tile per channel.
 */
export function filters(convLayerOrWeight: Conv2d | Tensor, opts: FiltersOptions = {}): Tensor {
  const o = checkKeys('vis.filters', opts, ['normalize', 'inputChannels', 'padding', 'nrow']) as FiltersOptions;
  const w = convLayerOrWeight instanceof Conv2d ? convLayerOrWeight.weight : convLayerOrWeight;
  if (!(w instanceof Tensor) || w.ndim !== 4) throw new TypeError(`vis.filters: expected an nn.Conv2d or a weight tensor [out, in, kh, kw], got ${show(convLayerOrWeight)}`);
  const given = o.normalize === true ? 'each' : o.normalize === false ? 'none' : (o.normalize ?? 'each');
  const normalize = oneOf('vis.filters', 'normalize', given, ['each', 'all', 'none'] as const);
  const mode = oneOf('vis.filters', 'inputChannels', o.inputChannels ?? 'average', ['average', 'channels'] as const);
  const padding = intIn('vis.filters', 'padding', o.padding ?? 1, 0);
  const [out, inC, kh, kw] = w.shape;
  let tiles = w.detach();
  if (inC !== 3) tiles = mode === 'average' ? tiles.mean(1, true) : reshape(tiles, [out * inC, 1, kh, kw]);
  if (normalize !== 'none') tiles = normalizeRange(tiles, undefined, normalize === 'each' ? [1, 2, 3] : undefined);
  const nrow = intIn('vis.filters', 'nrow', o.nrow ?? (inC !== 3 && mode === 'channels' ? inC : Math.ceil(Math.sqrt(tiles.shape[0]))), 1);
  return grid(tiles, { nrow, padding, padValue: 1 });
}

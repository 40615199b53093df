/**
 * Colour maps applied with tensor ops (so they run where the map lives): a map's values in [0, 1] become
 * RGB by piecewise-linear interpolation between anchor colours. 'diverging' is for signed maps: blue for
 * negative, white for 0, red for positive, symmetric about 0.
 */
import type { Tensor } from '../core/tensor.js';
import { abs, amax, cat, clamp, relu } from '../ops/index.js';
import { checkImage, checkKeys, oneOf } from './check.js';

export const COLORMAPS = {
  // matplotlib's colour maps sampled at 9 points
  viridis: ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'],
  inferno: ['#000004', '#1f0c48', '#550f6d', '#88226a', '#ba3655', '#e35933', '#f98e09', '#f9cb35', '#fcffa4'],
  jet: ['#000080', '#0000f1', '#004dff', '#00b1ff', '#29ffce', '#7dff7a', '#ceff29', '#ffc400', '#ff6800', '#f10800', '#800000'],
  gray: ['#000000', '#ffffff'],
  // ColorBrewer's RdBu reversed: negative blue, zero white, positive red
  diverging: ['#053061', '#2166ac', '#4393c3', '#92c5de', '#d1e5f0', '#f7f7f7', '#fddbc7', '#f4a582', '#d6604d', '#b2182b', '#67001f'],
} as const;

export type ColormapName = keyof typeof COLORMAPS;
const NAMES = Object.keys(COLORMAPS) as ColormapName[];

const rgb = (hex: string): number[] => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);

/** v in [0, 1] (any shape [..., 1, H, W]) → [..., 3, H, W]: Σ_k colour_k · hat_k(v), hat_k a tent around anchor k. */
export function applyColormap(v: Tensor, name: ColormapName): Tensor {
  const anchors = COLORMAPS[name].map(rgb);
  const k = anchors.length - 1;
  const pos = clamp(v, 0, 1).mul(k);
  const channels = [0, 1, 2].map((c) => {
    let out: Tensor | null = null;
    anchors.forEach((a, i) => {
      if (a[c] === 0) return;
      const term = relu(pos.sub(i).abs().neg().add(1)).mul(a[c]);
      out = out ? out.add(term) : term;
    });
    return out ?? pos.mul(0);
  });
  return cat(channels, -3);
}

export interface ColorizeOptions {
  /** Default 'diverging' (signed, symmetric about 0); any other map scales min..max to [0, 1]. */
  colormap?: ColormapName;
}

/** A one-channel map [1, H, W] or [N, 1, H, W] → RGB in [0, 1], each image scaled by its own range. */
export function colorize(map: Tensor, opts: ColorizeOptions = {}): Tensor {
  const o = checkKeys('vis.colorize', opts, ['colormap']) as ColorizeOptions;
  checkImage('vis.colorize', 'map', map, [3, 4]);
  if (map.shape[map.ndim - 3] !== 1) throw new RangeError(`vis.colorize: expected a one-channel map [1, H, W] or [N, 1, H, W], got [${map.shape.join(', ')}]`);
  const name = oneOf('vis.colorize', 'colormap', o.colormap ?? 'diverging', NAMES);
  const dims = [map.ndim - 3, map.ndim - 2, map.ndim - 1];
  if (name === 'diverging') {
    const m = clamp(amax(abs(map), dims, true), 1e-12);
    return applyColormap(map.div(m).add(1).div(2), name);
  }
  const lo = map.amin(dims, true);
  const span = clamp(map.amax(dims, true).sub(lo), 1e-12);
  return applyColormap(map.sub(lo).div(span), name);
}

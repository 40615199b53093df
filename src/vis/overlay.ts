/** `ck.vis.overlay`: a heat map (Grad-CAM, saliency) upsampled to the image and blended over it in colour. */
import type { Tensor } from '../core/tensor.js';
import { cat, clamp } from '../ops/index.js';
import { checkImage, checkKeys, numberIn, oneOf } from './check.js';
import { applyColormap, COLORMAPS, type ColormapName } from './colormap.js';
import { resizeBilinear } from './sample.js';

export interface OverlayOptions {
  /** Weight of the heat map's colour (default 0.5). */
  alpha?: number;
  /** Default 'jet', as Grad-CAM's paper. */
  colormap?: ColormapName;
}

/**
 * image: [C, H, W] or [N, C, H, W] with C = 1 or 3, values in [0, 1] (what a person sees, not the normalised
 * input); map: [1, h, w] or [N, 1, h, w]. The map is upsampled bilinearly to H×W, scaled to [0, 1] by its
 * range per image, coloured, and blended: (1 − alpha)·image + alpha·colour. Returns RGB [3, H, W] or [N, 3, H, W].
 */
export function overlay(image: Tensor, map: Tensor, opts: OverlayOptions = {}): Tensor {
  const o = checkKeys('vis.overlay', opts, ['alpha', 'colormap']) as OverlayOptions;
  checkImage('vis.overlay', 'image', image, [3, 4]);
  checkImage('vis.overlay', 'map', map, [image.ndim]);
  const alpha = numberIn('vis.overlay', 'alpha', o.alpha ?? 0.5, 0, 1);
  const name = oneOf('vis.overlay', 'colormap', o.colormap ?? 'jet', Object.keys(COLORMAPS) as ColormapName[]);
  const c = image.shape[image.ndim - 3];
  if (c !== 1 && c !== 3) throw new RangeError(`vis.overlay: expected an image with 1 or 3 channels, got shape [${image.shape.join(', ')}]`);
  if (map.shape[map.ndim - 3] !== 1 || (image.ndim === 4 && map.shape[0] !== image.shape[0])) {
    throw new RangeError(`vis.overlay: expected a one-channel map with the image's batch size, image [${image.shape.join(', ')}], map [${map.shape.join(', ')}]`);
  }
  const [h, w] = image.shape.slice(-2);
  const up = resizeBilinear(map.detach(), h, w);
  const dims = [up.ndim - 3, up.ndim - 2, up.ndim - 1];
  const lo = up.amin(dims, true);
  const scaled = up.sub(lo).div(clamp(up.amax(dims, true).sub(lo), 1e-12));
  const rgb = c === 3 ? image.detach() : cat([image, image, image], image.ndim - 3).detach();
  return clamp(rgb.mul(1 - alpha).add(applyColormap(scaled, name).mul(alpha)), 0, 1);
}

/**
 * Tensors to pixels: RGBA bytes for a canvas's ImageData (browser) or a PNG encoder (Node, 'convkit/node').
 * Reads are asynchronous (`await t.data()`), so this works for tensors on any device.
 */
import type { Tensor } from '../core/tensor.js';
import { checkImage, checkKeys } from './check.js';
import { normalizeRange } from './grid.js';

/** What ImageData holds: width × height RGBA bytes, row-major. */
export interface RGBAImage {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

export interface ToRGBAOptions {
  /** Scale by the image's min and max first (default false: values are taken to be in [0, 1]). */
  normalize?: boolean;
}

/** [C, H, W] with C = 1 (grey), 3 (RGB) or 4 (RGBA), or [H, W], values in [0, 1] → RGBA bytes (rounded, clamped). */
export async function toRGBA(image: Tensor, opts: ToRGBAOptions = {}): Promise<RGBAImage> {
  const o = checkKeys('vis.toRGBA', opts, ['normalize']) as ToRGBAOptions;
  checkImage('vis.toRGBA', 'image', image, [2, 3]);
  let t = image.ndim === 2 ? image.unsqueeze(0) : image;
  const [c, height, width] = t.shape;
  if (c !== 1 && c !== 3 && c !== 4) throw new RangeError(`vis.toRGBA: expected 1, 3 or 4 channels, got shape [${image.shape.join(', ')}]`);
  if (o.normalize) t = normalizeRange(t);
  const v = await t.detach().contiguous().data();
  const n = height * width;
  const data = new Uint8ClampedArray(n * 4);
  for (let p = 0; p < n; p++) {
    // torchvision's save_image: mul(255).add_(0.5).clamp_(0, 255) then truncation
    for (let k = 0; k < 3; k++) data[p * 4 + k] = Math.floor(v[(c === 1 ? 0 : k) * n + p] * 255 + 0.5);
    data[p * 4 + 3] = c === 4 ? Math.floor(v[3 * n + p] * 255 + 0.5) : 255;
  }
  return { data, width, height };
}

/** An ImageData for a canvas (`ctx.putImageData`); outside a browser, the same fields as a plain object. */
export async function toImageData(image: Tensor, opts: ToRGBAOptions = {}): Promise<RGBAImage> {
  const rgba = await toRGBA(image, opts);
  const Ctor = (globalThis as { ImageData?: new (data: Uint8ClampedArray, w: number, h: number) => RGBAImage }).ImageData;
  return Ctor ? new Ctor(rgba.data, rgba.width, rgba.height) : rgba;
}

/** Draws the image on a canvas (resized to it), e.g. `await ck.vis.drawToCanvas(img, document.querySelector('canvas'))`. */
export async function drawToCanvas(image: Tensor, canvas: { width: number; height: number; getContext(kind: '2d'): unknown }, opts: ToRGBAOptions = {}): Promise<void> {
  const data = await toImageData(image, opts);
  canvas.width = data.width;
  canvas.height = data.height;
  const ctx = canvas.getContext('2d') as { putImageData(d: unknown, x: number, y: number): void } | null;
  if (!ctx) throw new Error('vis.drawToCanvas: the canvas has no 2d context');
  ctx.putImageData(data, 0, 0);
}


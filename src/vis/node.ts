/** `ck.vis` in 'convkit/node': the browser-safe functions plus PNG bytes and files (one encoder, shared with the CLI's report). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Tensor } from '../core/tensor.js';
import { Image } from '../data/image.js';
import { encodePng } from '../data/node/decode.js';
import { toRGBA, type ToRGBAOptions } from './output.js';

export * from './index.js';

/** [C, H, W] (C = 1, 3 or 4) or [H, W] in [0, 1] → PNG bytes. */
export async function toPng(image: Tensor, opts: ToRGBAOptions = {}): Promise<Uint8Array> {
  const { data, width, height } = await toRGBA(image, opts);
  return encodePng(new Image(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), height, width, 4));
}

/** Writes the image as a PNG file (creating its directory). */
export async function savePng(image: Tensor, path: string, opts: ToRGBAOptions = {}): Promise<void> {
  if (typeof path !== 'string' || path === '') throw new TypeError(`vis.savePng: expected a file path, got ${typeof path}`);
  const bytes = await toPng(image, opts);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
}

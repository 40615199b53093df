/**
 * Grids with captions drawn into the pixels (for PNG files, where there is no HTML to caption them): a 3×5
 * pixel font, upper case, digits and a little punctuation (lower case is drawn as upper case).
 */
import type { Tensor } from '../core/tensor.js';
import { cat, tensor } from '../ops/index.js';
import { checkImage, checkKeys, intIn, show } from './check.js';
import { grid, normalizeRange, upscale } from './grid.js';

// each glyph: 5 rows of 3 pixels, '#' on
const FONT: Record<string, string> = {
  '0': '### #.# #.# #.# ###', '1': '.#. ##. .#. .#. ###', '2': '### ..# ### #.. ###', '3': '### ..# ### ..# ###', '4': '#.# #.# ### ..# ..#',
  '5': '### #.. ### ..# ###', '6': '### #.. ### #.# ###', '7': '### ..# ..# ..# ..#', '8': '### #.# ### #.# ###', '9': '### #.# ### ..# ###',
  A: '.#. #.# ### #.# #.#', B: '##. #.# ##. #.# ##.', C: '.## #.. #.. #.. .##', D: '##. #.# #.# #.# ##.', E: '### #.. ##. #.. ###',
  F: '### #.. ##. #.. #..', G: '.## #.. #.# #.# .##', H: '#.# #.# ### #.# #.#', I: '### .#. .#. .#. ###', J: '..# ..# ..# #.# .#.',
  K: '#.# #.# ##. #.# #.#', L: '#.. #.. #.. #.. ###', M: '#.# ### ### #.# #.#', N: '##. #.# #.# #.# #.#', O: '.#. #.# #.# #.# .#.',
  P: '##. #.# ##. #.. #..', Q: '.#. #.# #.# ##. .##', R: '##. #.# ##. #.# #.#', S: '.## #.. .#. ..# ##.', T: '### .#. .#. .#. .#.',
  U: '#.# #.# #.# #.# ###', V: '#.# #.# #.# #.# .#.', W: '#.# #.# ### ### #.#', X: '#.# #.# .#. #.# #.#', Y: '#.# #.# .#. .#. .#.',
  Z: '### ..# .#. #.. ###', ' ': '... ... ... ... ...', '.': '... ... ... ... .#.', '-': '... ... ### ... ...', '/': '..# ..# .#. #.. #..',
  '%': '#.# ..# .#. #.. #.#', '(': '.#. #.. #.. #.. .#.', ')': '.#. ..# ..# ..# .#.', ':': '... .#. ... .#. ...', _: '... ... ... ... ###',
  '?': '### ..# .## ... .#.',
};

/** A white strip `width` pixels wide and 7 high with the text in black (cut to fit), as one [7, width] plane. */
export function textStrip(text: string, width: number): Float32Array {
  const plane = new Float32Array(7 * width).fill(1);
  const chars = [...text.toUpperCase()].slice(0, Math.max(0, Math.floor((width - 1) / 4)));
  chars.forEach((ch, k) => {
    const rows = (FONT[ch] ?? FONT['?']).split(' ');
    rows.forEach((row, y) => [...row].forEach((p, x) => {
      if (p === '#') plane[(y + 1) * width + 1 + k * 4 + x] = 0;
    }));
  });
  return plane;
}

export interface LabeledGridOptions {
  /** Tiles per row (default 8). */
  nrow?: number;
  /** Pixels between tiles (default 2). */
  padding?: number;
  /** Integer enlargement of the tiles and the text (default 1). */
  scale?: number;
  /** Scale each image to [0, 1] by its own range first (default false: values are taken to be in [0, 1]). */
  normalize?: boolean;
}

/** [N, C, H, W] images (C = 1 or 3) with one caption each → [3, H', W'] in [0, 1], each caption under its tile. */
export function labeledGrid(images: Tensor, labels: readonly string[], opts: LabeledGridOptions = {}): Tensor {
  const o = checkKeys('vis.labeledGrid', opts, ['nrow', 'padding', 'scale', 'normalize']) as LabeledGridOptions;
  checkImage('vis.labeledGrid', 'images', images, [4]);
  const [n, c, h, w] = images.shape;
  if (c !== 1 && c !== 3) throw new RangeError(`vis.labeledGrid: expected images with 1 or 3 channels, got shape [${images.shape.join(', ')}]`);
  if (!Array.isArray(labels) || labels.length !== n || labels.some((l) => typeof l !== 'string')) throw new TypeError(`vis.labeledGrid: expected ${n} labels (strings, one per image), got ${show(labels)}`);
  const scale = intIn('vis.labeledGrid', 'scale', o.scale ?? 1, 1);
  let tiles = o.normalize ? normalizeRange(images, undefined, [1, 2, 3]) : images.clamp(0, 1);
  if (c === 1) tiles = cat([tiles, tiles, tiles], 1);
  tiles = upscale(tiles, scale);
  const width = w * scale;
  const strips = labels.map((l) => upscale(tensor(textStrip(l, w), { shape: [1, 7, w] }), scale).expand([3, 7 * scale, width]));
  const captioned = cat(strips.map((s, i) => cat([tiles.select(0, i), s], 1).unsqueeze(0)), 0);
  return grid(captioned, { nrow: o.nrow ?? 8, padding: o.padding ?? 2, padValue: 1 });
}

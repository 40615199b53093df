/**
 * Geometric transforms work on both containers of a picture: an `Image` (uint8, H×W×C) and a floating
 * tensor [..., H, W] (leading dims are treated as channels, as torchvision does). `Planes` hides the
 * difference: element (c, y, x) of either lives at `c*cs + y*ys + x*xs`, so every transform is written
 * once and returns the container it was given.
 */
import { allocArray, isFloating } from '../../core/dtype.js';
import { fmt } from '../../core/shape.js';
import { Tensor } from '../../core/tensor.js';
import { Image } from '../image.js';
import { hostData, hostTensor } from '../host.js';

export type Picture = Image | Tensor;

export interface Planes {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly data: { [i: number]: number; readonly length: number };
  readonly cs: number;
  readonly ys: number;
  readonly xs: number;
}

function describePicture(x: unknown): string {
  if (x instanceof Tensor) return `Tensor${fmt(x.shape)} ${x.dtype}`;
  if (x instanceof Image) return String(x);
  return x === null ? 'null' : typeof x;
}

/** Checks `x` is an Image or a floating tensor with at least 2 dims, naming `op` in the error. */
export function checkPicture(x: unknown, op: string): asserts x is Picture {
  if (x instanceof Image) return;
  if (x instanceof Tensor && x.ndim >= 2 && isFloating(x.dtype)) return;
  throw new TypeError(`${op}: expected an Image or a floating tensor [..., H, W], got ${describePicture(x)}`);
}

/** [channels, height, width] of a picture; a tensor's leading dims count as channels. */
export function dimsOf(x: Picture): [number, number, number] {
  if (x instanceof Image) return x.dims;
  const h = x.shape[x.ndim - 2];
  const w = x.shape[x.ndim - 1];
  return [h * w === 0 ? 0 : x.numel() / (h * w), h, w];
}

export function planesOf(x: Picture): Planes {
  const [channels, height, width] = dimsOf(x);
  if (x instanceof Image) return { channels, height, width, data: x.data, cs: 1, ys: width * channels, xs: channels };
  return { channels, height, width, data: hostData(x), cs: height * width, ys: width, xs: 1 };
}

/**
 * A new picture of the same kind as `like` with `height × width` pixels, filled by `write(out)`.
 * Image pixels go through a Uint8ClampedArray: values are rounded half to even and clamped to 0..255.
 */
export function makePicture(like: Picture, height: number, width: number, write: (out: Planes) => void): Picture {
  const [channels] = dimsOf(like);
  if (like instanceof Image) {
    const data = new Uint8ClampedArray(height * width * channels);
    write({ channels, height, width, data, cs: 1, ys: width * channels, xs: channels });
    return new Image(new Uint8Array(data.buffer), height, width, channels);
  }
  const data = allocArray(like.dtype, channels * height * width);
  write({ channels, height, width, data, cs: height * width, ys: width, xs: 1 });
  return hostTensor(data, [...like.shape.slice(0, -2), height, width], like.dtype);
}

/** One fill value per channel from a number or a list (length 1 or `channels`). */
export function fillPerChannel(fill: number | readonly number[], channels: number, op: string): number[] {
  const list = typeof fill === 'number' ? [fill] : fill.slice();
  if (list.length === 1) return new Array<number>(channels).fill(list[0]);
  if (list.length !== channels) {
    throw new RangeError(`${op}: the number of elements in fill (${list.length}) cannot broadcast to the number of channels of the image (${channels})`);
  }
  return list;
}

/**
 * out[c][y][x] = in[c][rows[y]][cols[x]], or the channel's fill where an index is -1. Crops, pads,
 * flips and nearest-neighbour resizing are all index maps.
 */
export function remap(x: Picture, rows: Int32Array, cols: Int32Array, fill: number | readonly number[] = 0, op = 'remap'): Picture {
  const src = planesOf(x);
  const fills = fillPerChannel(fill, src.channels, op);
  return makePicture(x, rows.length, cols.length, (out) => {
    for (let c = 0; c < src.channels; c++) {
      for (let y = 0; y < rows.length; y++) {
        const r = rows[y];
        for (let xo = 0; xo < cols.length; xo++) {
          const k = cols[xo];
          out.data[c * out.cs + y * out.ys + xo * out.xs] = r < 0 || k < 0 ? fills[c] : src.data[c * src.cs + r * src.ys + k * src.xs];
        }
      }
    }
  });
}

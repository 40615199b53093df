/**
 * The transforms as plain functions, torchvision.transforms.functional's counterparts. Each takes an
 * `Image` or a floating tensor [..., H, W] and returns the same kind; tensor results match torchvision's
 * tensor code paths (index maps exactly, interpolation to float32 rounding).
 */
import { check, define, is, signature } from '../../core/args.js';
import { isFloating } from '../../core/dtype.js';
import { fmt } from '../../core/shape.js';
import { Tensor } from '../../core/tensor.js';
import { tensor } from '../../ops/creation.js';
import { div, sub } from '../../ops/elementwise.js';
import { Image } from '../image.js';
import { readsSync } from '../../backends/registry.js';
import { hostTensor } from '../host.js';
import { checkPicture, dimsOf, fillPerChannel, makePicture, planesOf, remap, type Picture, type Planes } from './planes.js';

/** An Image or a [C, H, W] / [N, C, H, W] tensor: what the picture transforms take. */
const PICTURE = check<Picture>('an Image or a Tensor', (v) => v instanceof Image || v instanceof Tensor);
export type { Picture };
export type Interpolation = 'nearest' | 'bilinear';
export type PaddingMode = 'constant' | 'edge' | 'reflect' | 'symmetric';
/** One size for a square, or [height, width]. */
export type Size = number | readonly [number] | readonly [number, number];

/** Rounds half to even, like C's nearbyint and Python's round. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** An 8-bit image as float32 [C,H,W] in [0, 1] (value / 255), as torchvision's to_tensor. */
function toTensorImpl(img: Image): Tensor {
  const given: unknown = img;
  if (!(given instanceof Image)) throw new TypeError(`toTensor: expected an Image, got ${given instanceof Tensor ? `Tensor${fmt(given.shape)}` : typeof given}`);
  const { height: h, width: w, channels: c, data } = img;
  const out = new Float32Array(c * h * w);
  for (let ch = 0; ch < c; ch++) {
    for (let i = 0; i < h * w; i++) out[ch * h * w + i] = data[i * c + ch] / 255;
  }
  return hostTensor(out, [c, h, w], 'float32');
}

/** (x - mean[c]) / std[c] per channel of a float tensor [..., C, H, W]. */
function normalizeImpl(x: Tensor, mean: readonly number[], std: readonly number[]): Tensor {
  if (!(x instanceof Tensor) || !isFloating(x.dtype) || x.ndim < 3) {
    throw new TypeError(`normalize: expected a floating tensor image of size [..., C, H, W], got ${x instanceof Tensor ? `Tensor${fmt(x.shape)} ${x.dtype}` : typeof x}`);
  }
  const c = x.shape[x.ndim - 3];
  for (const [name, list] of [['mean', mean], ['std', std]] as const) {
    if (list.length !== 1 && list.length !== c) throw new RangeError(`normalize: ${name} has ${list.length} values, expected 1 or ${c} (channels of ${fmt(x.shape)})`);
  }
  if (std.some((s) => s === 0)) throw new RangeError(`normalize: std evaluated to zero after conversion to ${x.dtype}, leading to division by zero (std ${fmt(std)})`);
  if (readsSync(x.device) && !x.requiresGrad) return normalizeOnHost(x, mean, std);
  const asColumn = (list: readonly number[]): Tensor => tensor(list.slice(), { dtype: x.dtype, shape: [list.length, 1, 1], device: x.device });
  return div(sub(x, asColumn(mean)), asColumn(std));
}

/**
 * normalize for a sample in CPU memory, in plain JavaScript: a per-sample transform should not pay two kernel
 * calls. Each step is rounded to the tensor's precision, so the result equals the subtract-then-divide ops.
 */
function normalizeOnHost(x: Tensor, mean: readonly number[], std: readonly number[]): Tensor {
  const round = x.dtype === 'float32' ? Math.fround : (v: number): number => v;
  const [c, h, w] = x.shape.slice(-3);
  const data = x.contiguous().dataSync();
  const plane = h * w;
  for (let start = 0, ch = 0; start < data.length; start += plane, ch = (ch + 1) % c) {
    const m = round(mean.length === 1 ? mean[0] : mean[ch]);
    const s = round(std.length === 1 ? std[0] : std[ch]);
    for (let i = start; i < start + plane; i++) data[i] = round(round(data[i] - m) / s);
  }
  return hostTensor(data, x.shape, x.dtype);
}

/** Normalises torchvision's padding forms (all sides / [left-right, top-bottom] / [left, top, right, bottom]). */
export function paddingLTRB(padding: number | readonly number[], op: string): [number, number, number, number] {
  const p = typeof padding === 'number' ? [padding] : padding.slice();
  const ltrb = p.length === 1 ? [p[0], p[0], p[0], p[0]] : p.length === 2 ? [p[0], p[1], p[0], p[1]] : p.length === 4 ? p : null;
  if (!ltrb || ltrb.some((v) => !Number.isInteger(v) || v < 0)) {
    throw new RangeError(`${op}: padding must be a non-negative integer or a list of 1, 2 or 4 of them, got ${JSON.stringify(padding)}`);
  }
  return ltrb as [number, number, number, number];
}

/** Source index for each position of an axis of size n padded by `before` and `after` (-1 = fill). */
function padAxis(n: number, before: number, after: number, mode: PaddingMode): Int32Array {
  const map = new Int32Array(n + before + after);
  for (let i = 0; i < map.length; i++) {
    let j = i - before;
    if (mode === 'constant') j = j >= 0 && j < n ? j : -1;
    else if (mode === 'edge') j = Math.min(Math.max(j, 0), n - 1);
    else {
      // reflect mirrors around the edge pixel, symmetric repeats it
      const period = mode === 'reflect' ? 2 * (n - 1) : 2 * n;
      j = period === 0 ? 0 : ((j % period) + period) % period;
      if (j >= n) j = mode === 'reflect' ? period - j : period - 1 - j;
    }
    map[i] = j;
  }
  return map;
}

export interface PadOptions {
  fill?: number | readonly number[];
  paddingMode?: PaddingMode;
}

function padImpl(x: Picture, padding: number | readonly number[], opts: PadOptions = {}): Picture {
  checkPicture(x, 'pad');
  const [l, t, r, b] = paddingLTRB(padding, 'pad');
  const mode = opts.paddingMode ?? 'constant';
  if (!['constant', 'edge', 'reflect', 'symmetric'].includes(mode)) {
    throw new RangeError(`pad: paddingMode must be constant, edge, reflect or symmetric, got ${JSON.stringify(mode)}`);
  }
  const [, h, w] = dimsOf(x);
  if (mode === 'reflect' && (Math.max(l, r) >= w || Math.max(t, b) >= h)) {
    throw new RangeError(`pad: reflect padding [${l},${t},${r},${b}] must be smaller than the image (${h}x${w})`);
  }
  return remap(x, padAxis(h, t, b, mode), padAxis(w, l, r, mode), opts.fill ?? 0, 'pad');
}

/** The window at (top, left) of height × width; parts outside the picture are zero, as torchvision's crop. */
function cropImpl(x: Picture, top: number, left: number, height: number, width: number): Picture {
  checkPicture(x, 'crop');
  if (![top, left, height, width].every(Number.isInteger) || height <= 0 || width <= 0) {
    throw new RangeError(`crop: expected integer top, left and positive height, width, got ${top}, ${left}, ${height}, ${width}`);
  }
  const [, h, w] = dimsOf(x);
  const axis = (start: number, len: number, n: number): Int32Array => Int32Array.from({ length: len }, (_, i) => (start + i >= 0 && start + i < n ? start + i : -1));
  return remap(x, axis(top, height, h), axis(left, width, w), 0, 'crop');
}

/** [height, width] from a Size, validated. */
export function sizeHW(size: Size, op: string): [number, number] {
  const hw = typeof size === 'number' ? [size, size] : size.length === 1 ? [size[0], size[0]] : size.length === 2 ? [size[0], size[1]] : null;
  if (!hw || hw.some((v) => !Number.isInteger(v) || v <= 0)) throw new RangeError(`${op}: size must be a positive integer or [height, width], got ${JSON.stringify(size)}`);
  return hw as [number, number];
}

/** The central crop, padding with zeros first when the crop is larger than the picture. */
function centerCropImpl(x: Picture, size: Size): Picture {
  checkPicture(x, 'centerCrop');
  const [ch, cw] = sizeHW(size, 'centerCrop');
  let [, h, w] = dimsOf(x);
  if (cw > w || ch > h) {
    const half = (c: number, n: number, up: number): number => (c > n ? Math.floor((c - n + up) / 2) : 0);
    x = pad(x, [half(cw, w, 0), half(ch, h, 0), half(cw, w, 1), half(ch, h, 1)]);
    [, h, w] = dimsOf(x);
    if (ch === h && cw === w) return x;
  }
  return crop(x, roundHalfEven((h - ch) / 2), roundHalfEven((w - cw) / 2), ch, cw);
}

const identity = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);
const reversed = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => n - 1 - i);

function hflipImpl(x: Picture): Picture {
  checkPicture(x, 'hflip');
  const [, h, w] = dimsOf(x);
  return remap(x, identity(h), reversed(w));
}

function vflipImpl(x: Picture): Picture {
  checkPicture(x, 'vflip');
  const [, h, w] = dimsOf(x);
  return remap(x, reversed(h), identity(w));
}

/** torchvision's output size: an int sets the smaller edge (keeping the aspect ratio), a pair is [height, width]. */
export function resizedSize(h: number, w: number, size: Size, maxSize?: number): [number, number] {
  if (typeof size !== 'number' && size.length === 2) return sizeHW(size, 'resize');
  const [requested] = sizeHW(size, 'resize');
  const [short, long] = w <= h ? [w, h] : [h, w];
  let newShort = requested;
  let newLong = Math.trunc((requested * long) / short);
  if (maxSize !== undefined) {
    if (maxSize <= requested) throw new RangeError(`resize: maxSize = ${maxSize} must be strictly greater than the requested size for the smaller edge = ${requested}`);
    if (newLong > maxSize) [newShort, newLong] = [Math.trunc((maxSize * newShort) / newLong), maxSize];
  }
  return w <= h ? [newLong, newShort] : [newShort, newLong];
}

/** PyTorch's nearest source index (legacy 'nearest': floor(dst * in/out) in float32). */
function nearestAxis(inSize: number, outSize: number): Int32Array {
  const scale = Math.fround(inSize / outSize);
  return Int32Array.from({ length: outSize }, (_, i) => Math.min(Math.floor(Math.fround(i * scale)), inSize - 1));
}

/** Bilinear taps with half-pixel centres (align_corners=False): two source indices and their weights per output. */
function bilinearAxis(inSize: number, outSize: number): { i0: Int32Array; i1: Int32Array; w0: Float64Array; w1: Float64Array } {
  const scale = Math.fround(inSize / outSize);
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const w0 = new Float64Array(outSize);
  const w1 = new Float64Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const src = Math.max(Math.fround(scale * (i + 0.5) - 0.5), 0);
    i0[i] = Math.floor(src);
    i1[i] = i0[i] + (i0[i] < inSize - 1 ? 1 : 0);
    w1[i] = Math.fround(src - i0[i]);
    w0[i] = 1 - w1[i];
  }
  return { i0, i1, w0, w1 };
}

export interface ResizeOptions {
  interpolation?: Interpolation;
  maxSize?: number;
}

/**
 * Resizes like torchvision's tensor path (F.interpolate without antialiasing). Images use the same
 * arithmetic, rounded to uint8; PIL's antialiased filter differs from it when shrinking.
 */
function resizeImpl(x: Picture, size: Size, opts: ResizeOptions = {}): Picture {
  checkPicture(x, 'resize');
  const interpolation = checkInterpolation(opts.interpolation ?? 'bilinear', 'resize');
  const [, h, w] = dimsOf(x);
  const [oh, ow] = resizedSize(h, w, size, opts.maxSize);
  if (interpolation === 'nearest') return remap(x, nearestAxis(h, oh), nearestAxis(w, ow));
  const ry = bilinearAxis(h, oh);
  const rx = bilinearAxis(w, ow);
  const src = planesOf(x);
  return makePicture(x, oh, ow, (out) => {
    const at = (c: number, y: number, k: number): number => src.data[c * src.cs + y * src.ys + k * src.xs];
    for (let c = 0; c < src.channels; c++) {
      for (let y = 0; y < oh; y++) {
        for (let k = 0; k < ow; k++) {
          const top = rx.w0[k] * at(c, ry.i0[y], rx.i0[k]) + rx.w1[k] * at(c, ry.i0[y], rx.i1[k]);
          const bottom = rx.w0[k] * at(c, ry.i1[y], rx.i0[k]) + rx.w1[k] * at(c, ry.i1[y], rx.i1[k]);
          out.data[c * out.cs + y * out.ys + k * out.xs] = ry.w0[y] * top + ry.w1[y] * bottom;
        }
      }
    }
  });
}

function checkInterpolation(mode: string, op: string): Interpolation {
  if (mode !== 'nearest' && mode !== 'bilinear') throw new RangeError(`${op}: interpolation must be 'nearest' or 'bilinear', got ${JSON.stringify(mode)}`);
  return mode;
}

/**
 * torchvision's _get_inverse_affine_matrix: maps output coordinates (relative to the centre) back to
 * input coordinates for M = T * C * R(angle) * S(scale) * Shear * C^-1.
 */
export function inverseAffineMatrix(center: readonly [number, number], angle: number, translate: readonly [number, number], scale: number, shear: readonly [number, number]): number[] {
  const rad = (deg: number): number => (deg * Math.PI) / 180;
  const [rot, sx, sy] = [rad(angle), rad(shear[0]), rad(shear[1])];
  const [cx, cy] = center;
  const [tx, ty] = translate;
  const a = Math.cos(rot - sy) / Math.cos(sy);
  const b = (-Math.cos(rot - sy) * Math.tan(sx)) / Math.cos(sy) - Math.sin(rot);
  const c = Math.sin(rot - sy) / Math.cos(sy);
  const d = (-Math.sin(rot - sy) * Math.tan(sx)) / Math.cos(sy) + Math.cos(rot);
  const m = [d, -b, 0, -c, a, 0].map((v) => v / scale);
  m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty);
  m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty);
  m[2] += cx;
  m[5] += cy;
  return m;
}

export interface AffineOptions {
  interpolation?: Interpolation;
  /** Value for pixels that come from outside the input; without it they are 0 (torchvision's fill=None). */
  fill?: number | readonly number[];
  /** Centre of rotation in pixels; the image centre by default. */
  center?: readonly [number, number];
}

/**
 * Rotation (degrees, counter-clockwise), translation (pixels), scale and shear (degrees) about the centre,
 * as torchvision's affine on tensors: an affine grid at pixel centres sampled like grid_sample with zero
 * padding (align_corners=False). With a fill, torchvision blends by the sampled coverage of the input
 * (`v * m + (1 - m) * fill`), which this reproduces.
 */
function affineImpl(x: Picture, angle: number, translate: readonly [number, number], scale: number, shear: number | readonly [number, number], opts: AffineOptions = {}): Picture {
  checkPicture(x, 'affine');
  if (!(scale > 0)) throw new RangeError(`affine: scale must be positive, got ${scale}`);
  const interpolation = checkInterpolation(opts.interpolation ?? 'nearest', 'affine');
  const [channels, h, w] = dimsOf(x);
  const center: [number, number] = opts.center ? [opts.center[0] - w * 0.5, opts.center[1] - h * 0.5] : [0, 0];
  const shearXY: [number, number] = typeof shear === 'number' ? [shear, 0] : [shear[0], shear[1]];
  // torchvision computes the grid in float32: theta scaled to [-1, 1] units, then unnormalised by grid_sample
  const m = inverseAffineMatrix(center, angle, translate, scale, shearXY).map(Math.fround);
  const [hw, hh] = [Math.fround(0.5 * w), Math.fround(0.5 * h)];
  const r = [m[0] / hw, m[1] / hw, m[2] / hw, m[3] / hh, m[4] / hh, m[5] / hh].map(Math.fround);
  const f = Math.fround;
  const unnormalise = (g: number, size: number): number => f(f(f(f(g + 1) * size) - 1) / 2);
  const fills = opts.fill === undefined ? null : fillPerChannel(opts.fill, channels, 'affine');
  const src = planesOf(x);
  return makePicture(x, h, w, (out) => {
    const value = new Float64Array(channels);
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < w; j++) {
        // pixel centres relative to the image centre, mapped back into the input's pixel grid
        const bx = j - w * 0.5 + 0.5;
        const by = i - h * 0.5 + 0.5;
        const ix = unnormalise(f(f(f(bx * r[0]) + f(by * r[1])) + r[2]), w);
        const iy = unnormalise(f(f(f(bx * r[3]) + f(by * r[4])) + r[5]), h);
        const coverage = interpolation === 'nearest' ? sampleNearest(src, ix, iy, value) : sampleBilinear(src, ix, iy, value);
        for (let c = 0; c < channels; c++) {
          let v = value[c];
          if (fills) v = interpolation === 'nearest' ? (coverage < 0.5 ? fills[c] : v) : v * coverage + (1 - coverage) * fills[c];
          out.data[c * out.cs + i * out.ys + j * out.xs] = v;
        }
      }
    }
  });
}


/** Writes the nearest pixel's channels into `value`; returns 1 inside the input, 0 outside. */
function sampleNearest(src: Planes, ix: number, iy: number, value: Float64Array): number {
  const x = roundHalfEven(ix);
  const y = roundHalfEven(iy);
  const inside = x >= 0 && x < src.width && y >= 0 && y < src.height;
  for (let c = 0; c < src.channels; c++) value[c] = inside ? src.data[c * src.cs + y * src.ys + x * src.xs] : 0;
  return inside ? 1 : 0;
}

/** Bilinear sample with zero padding into `value`; returns the summed weight of the taps inside the input. */
function sampleBilinear(src: Planes, ix: number, iy: number, value: Float64Array): number {
  const x0 = Math.floor(ix);
  const y0 = Math.floor(iy);
  value.fill(0);
  let coverage = 0;
  for (const [y, wy] of [[y0, y0 + 1 - iy], [y0 + 1, iy - y0]]) {
    for (const [x, wx] of [[x0, x0 + 1 - ix], [x0 + 1, ix - x0]]) {
      if (x < 0 || x >= src.width || y < 0 || y >= src.height) continue;
      const weight = wx * wy;
      coverage += weight;
      for (let c = 0; c < src.channels; c++) value[c] += weight * src.data[c * src.cs + y * src.ys + x * src.xs];
    }
  }
  return coverage;
}

const TO_TENSOR_SIG = signature('toTensor', 'torchvision.transforms.functional.', [['pic', is.instance(Image, 'an Image')]], []);
export const toTensor = define(TO_TENSOR_SIG, ({ pic }) => toTensorImpl(pic));
const NORMALIZE_SIG = signature('normalize', 'torchvision.transforms.functional.', [['tensor', is.tensor], ['mean', is.numbers], ['std', is.numbers]], [['inplace', is.bool]]);
export const normalize = define(NORMALIZE_SIG, ({ tensor, mean, std }) => normalizeImpl(tensor, mean, std));
const PAD_SIG = signature('TF.pad', 'torchvision.transforms.functional.', [['img', PICTURE], ['padding', is.intOrTuple]], [['fill', is.numberOrTuple], ['paddingMode', is.oneOf('constant', 'edge', 'reflect', 'symmetric')]]);
export const pad = define(PAD_SIG, ({ img, padding, ...o }) => padImpl(img, padding, o));
const CROP_SIG = signature('crop', 'torchvision.transforms.functional.', [['img', PICTURE], ['top', is.int], ['left', is.int], ['height', is.int], ['width', is.int]], []);
export const crop = define(CROP_SIG, ({ img, top, left, height, width }) => cropImpl(img, top, left, height, width));
const CENTER_CROP_SIG = signature('centerCrop', 'torchvision.transforms.functional.', [['img', PICTURE], ['outputSize', is.intOrTuple]], []);
export const centerCrop = define(CENTER_CROP_SIG, ({ img, outputSize }) => centerCropImpl(img, outputSize as Size));
const HFLIP_SIG = signature('hflip', 'torchvision.transforms.functional.', [['img', PICTURE]], []);
export const hflip = define(HFLIP_SIG, ({ img }) => hflipImpl(img));
const VFLIP_SIG = signature('vflip', 'torchvision.transforms.functional.', [['img', PICTURE]], []);
export const vflip = define(VFLIP_SIG, ({ img }) => vflipImpl(img));
const RESIZE_SIG = signature('resize', 'torchvision.transforms.functional.', [['img', PICTURE], ['size', is.intOrTuple]], [['interpolation', is.oneOf('nearest', 'bilinear')], ['maxSize', is.nullable(is.int)], ['antialias', check<null>('null (convkit resizes as torchvision does)', (v) => v === null)]]);
export const resize = define(RESIZE_SIG, ({ img, size, interpolation, maxSize }) => resizeImpl(img, size as Size, { interpolation, maxSize: maxSize ?? undefined }));
const AFFINE_SIG = signature('affine', 'torchvision.transforms.functional.', [['img', PICTURE], ['angle', is.number], ['translate', is.numbers], ['scale', is.number], ['shear', is.numberOrTuple]], [['interpolation', is.oneOf('nearest', 'bilinear')], ['fill', is.numberOrTuple], ['center', is.nullable(is.numbers)]]);
export const affine = define(AFFINE_SIG, ({ img, angle, translate, scale, shear, center, ...o }) => affineImpl(img, angle, translate as [number, number], scale, shear as number | [number, number], { ...o, center: (center ?? undefined) as [number, number] | undefined }));

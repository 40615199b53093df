/**
 * torchvision.transforms as objects: configure once, then `forward(x)` per sample. Random transforms draw
 * from a `Generator` (the default one unless `generator` is given), so a seed reproduces augmentation.
 */
import { defaultGenerator, type Generator } from '../../core/random.js';
import type { Tensor } from '../../core/tensor.js';
import type { Image } from '../image.js';
import * as F from './functional.js';
import { dimsOf, type Picture } from './planes.js';

export abstract class Transform<I = unknown, O = unknown> {
  abstract forward(x: I): O;

  toString(): string {
    return `${this.constructor.name}()`;
  }
}

/** A Transform object or a plain function. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TransformLike<I = any, O = any> = Transform<I, O> | ((x: I) => O);

export function applyTransform<I, O>(t: TransformLike<I, O>, x: I): O {
  return t instanceof Transform ? t.forward(x) : t(x);
}

const list = (v: readonly number[]): string => `[${v.join(', ')}]`;

/** Applies transforms in order. */
export class Compose extends Transform {
  readonly transforms: TransformLike[];

  constructor(transforms: readonly TransformLike[]) {
    super();
    if (!Array.isArray(transforms)) throw new TypeError('Compose: expected a list of transforms');
    transforms.forEach((t, i) => {
      if (!(t instanceof Transform) && typeof t !== 'function') throw new TypeError(`Compose: entry ${i} is not a transform or a function`);
    });
    this.transforms = transforms.slice();
  }

  forward(x: unknown): unknown {
    return this.transforms.reduce((acc, t) => applyTransform(t, acc), x);
  }

  override toString(): string {
    return `Compose(\n${this.transforms.map((t) => `    ${t instanceof Transform ? t.toString() : `Lambda(${t.name || 'fn'})`}`).join('\n')}\n)`;
  }
}

/** Wraps a function as a transform. */
export class Lambda<I, O> extends Transform<I, O> {
  constructor(readonly fn: (x: I) => O) {
    super();
    if (typeof fn !== 'function') throw new TypeError('Lambda: expected a function');
  }

  forward(x: I): O {
    return this.fn(x);
  }
}

/** An Image to float32 [C,H,W] in [0, 1]. */
export class ToTensor extends Transform<Image, Tensor> {
  forward(x: Image): Tensor {
    return F.toTensor(x);
  }
}

export class Normalize extends Transform<Tensor, Tensor> {
  constructor(readonly mean: readonly number[], readonly std: readonly number[]) {
    super();
  }

  forward(x: Tensor): Tensor {
    return F.normalize(x, this.mean, this.std);
  }

  override toString(): string {
    return `Normalize(mean=${list(this.mean)}, std=${list(this.std)})`;
  }
}

export class Pad extends Transform<Picture, Picture> {
  constructor(readonly padding: number | readonly number[], readonly opts: F.PadOptions = {}) {
    super();
    F.paddingLTRB(padding, 'Pad');
  }

  forward(x: Picture): Picture {
    return F.pad(x, this.padding, this.opts);
  }
}

export class Resize extends Transform<Picture, Picture> {
  constructor(readonly size: F.Size, readonly opts: F.ResizeOptions = {}) {
    super();
    F.sizeHW(typeof size === 'number' ? size : size.length === 2 ? size : [size[0]], 'Resize');
  }

  forward(x: Picture): Picture {
    return F.resize(x, this.size, this.opts);
  }

  override toString(): string {
    return `Resize(size=${JSON.stringify(this.size)}, interpolation=${this.opts.interpolation ?? 'bilinear'})`;
  }
}

export class CenterCrop extends Transform<Picture, Picture> {
  constructor(readonly size: F.Size) {
    super();
    F.sizeHW(size, 'CenterCrop');
  }

  forward(x: Picture): Picture {
    return F.centerCrop(x, this.size);
  }

  override toString(): string {
    return `CenterCrop(size=${JSON.stringify(F.sizeHW(this.size, 'CenterCrop'))})`;
  }
}

export interface RandomOptions {
  generator?: Generator;
}

export interface RandomCropOptions extends RandomOptions, F.PadOptions {
  padding?: number | readonly number[];
  /** Pads a picture smaller than the crop up to its size first, instead of failing. */
  padIfNeeded?: boolean;
}

/** A crop at a uniformly random position, after optional padding (the CIFAR augmentation: 32 with padding 4). */
export class RandomCrop extends Transform<Picture, Picture> {
  readonly size: [number, number];

  constructor(size: F.Size, readonly opts: RandomCropOptions = {}) {
    super();
    this.size = F.sizeHW(size, 'RandomCrop');
    if (opts.padding !== undefined) F.paddingLTRB(opts.padding, 'RandomCrop');
  }

  forward(x: Picture): Picture {
    const padOpts = { fill: this.opts.fill, paddingMode: this.opts.paddingMode };
    if (this.opts.padding !== undefined) x = F.pad(x, this.opts.padding, padOpts);
    const [th, tw] = this.size;
    let [, h, w] = dimsOf(x);
    if (this.opts.padIfNeeded && (h < th || w < tw)) {
      x = F.pad(x, [Math.max(tw - w, 0), Math.max(th - h, 0)], padOpts);
      [, h, w] = dimsOf(x);
    }
    if (h < th || w < tw) throw new RangeError(`RandomCrop: required crop size [${th}, ${tw}] is larger than the input image size [${h}, ${w}]`);
    const g = this.opts.generator ?? defaultGenerator;
    const top = g.int(0, h - th + 1);
    const left = g.int(0, w - tw + 1);
    return F.crop(x, top, left, th, tw);
  }

  override toString(): string {
    return `RandomCrop(size=${list(this.size)}, padding=${JSON.stringify(this.opts.padding ?? null)})`;
  }
}

function checkProbability(p: number, op: string): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${op}: p must be a probability in [0, 1], got ${p}`);
  return p;
}

export class RandomHorizontalFlip extends Transform<Picture, Picture> {
  constructor(readonly p = 0.5, readonly opts: RandomOptions = {}) {
    super();
    checkProbability(p, 'RandomHorizontalFlip');
  }

  forward(x: Picture): Picture {
    return (this.opts.generator ?? defaultGenerator).random() < this.p ? F.hflip(x) : x;
  }

  override toString(): string {
    return `RandomHorizontalFlip(p=${this.p})`;
  }
}

export class RandomVerticalFlip extends Transform<Picture, Picture> {
  constructor(readonly p = 0.5, readonly opts: RandomOptions = {}) {
    super();
    checkProbability(p, 'RandomVerticalFlip');
  }

  forward(x: Picture): Picture {
    return (this.opts.generator ?? defaultGenerator).random() < this.p ? F.vflip(x) : x;
  }

  override toString(): string {
    return `RandomVerticalFlip(p=${this.p})`;
  }
}

export interface RandomAffineOptions extends RandomOptions {
  /** Maximum absolute fraction of width and height to translate by. */
  translate?: readonly [number, number];
  /** Scale factor range [min, max]. */
  scale?: readonly [number, number];
  /** x shear range (a number s gives [-s, s]), or [xmin, xmax, ymin, ymax]. */
  shear?: number | readonly number[];
  interpolation?: F.Interpolation;
  fill?: number | readonly number[];
  center?: readonly [number, number];
}

/** A symmetric range from one number, or the pair as given. */
function range(v: number | readonly number[], name: string, op: string): number[] {
  if (typeof v === 'number') {
    if (v < 0) throw new RangeError(`${op}: if ${name} is a single number, it must be non-negative, got ${v}`);
    return [-v, v];
  }
  if (v.length !== 2 && !(name === 'shear' && v.length === 4)) throw new RangeError(`${op}: ${name} must be a number or a list of ${name === 'shear' ? '2 or 4' : '2'} numbers, got ${JSON.stringify(v)}`);
  return v.slice();
}

/** A random affine transform (small rotations, translations, scaling, shear) with torchvision's parameter draws. */
export class RandomAffine extends Transform<Picture, Picture> {
  readonly degrees: number[];
  readonly shear: number[] | null;

  constructor(degrees: number | readonly [number, number], readonly opts: RandomAffineOptions = {}) {
    super();
    this.degrees = range(degrees, 'degrees', 'RandomAffine');
    const { translate, scale } = opts;
    if (translate && (translate.length !== 2 || translate.some((t) => !(t >= 0 && t <= 1)))) {
      throw new RangeError(`RandomAffine: translate must be two fractions in [0, 1], got ${JSON.stringify(translate)}`);
    }
    if (scale && (scale.length !== 2 || scale.some((s) => !(s > 0)))) throw new RangeError(`RandomAffine: scale must be two positive numbers, got ${JSON.stringify(scale)}`);
    this.shear = opts.shear === undefined ? null : range(opts.shear, 'shear', 'RandomAffine');
  }

  /** The parameters `forward` uses, drawn in torchvision's order: angle, translation, scale, shear. */
  getParams(width: number, height: number): { angle: number; translate: [number, number]; scale: number; shear: [number, number] } {
    const g = this.opts.generator ?? defaultGenerator;
    const uniform = (lo: number, hi: number): number => lo + (hi - lo) * g.random();
    const angle = uniform(this.degrees[0], this.degrees[1]);
    let translate: [number, number] = [0, 0];
    if (this.opts.translate) {
      const [dx, dy] = [this.opts.translate[0] * width, this.opts.translate[1] * height];
      translate = [F.roundHalfEven(uniform(-dx, dx)), F.roundHalfEven(uniform(-dy, dy))];
    }
    const scale = this.opts.scale ? uniform(this.opts.scale[0], this.opts.scale[1]) : 1;
    const shear: [number, number] = [0, 0];
    if (this.shear) {
      shear[0] = uniform(this.shear[0], this.shear[1]);
      if (this.shear.length === 4) shear[1] = uniform(this.shear[2], this.shear[3]);
    }
    return { angle, translate, scale, shear };
  }

  forward(x: Picture): Picture {
    const [, h, w] = dimsOf(x);
    const p = this.getParams(w, h);
    const { interpolation, fill = 0, center } = this.opts;
    return F.affine(x, p.angle, p.translate, p.scale, p.shear, { interpolation, fill, center });
  }

  override toString(): string {
    return `RandomAffine(degrees=${list(this.degrees)}${this.opts.translate ? `, translate=${list(this.opts.translate)}` : ''}${this.opts.scale ? `, scale=${list(this.opts.scale)}` : ''})`;
  }
}

/**
 * torchvision.transforms as objects: configure once, then `forward(x)` per sample. Random transforms draw
 * from a `Generator` (the default one unless `generator` is given), so a seed reproduces augmentation.
 */
import { check, is, parseArgs, signature, withSignature, type ArgsOf } from '../../core/args.js';
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

// torchvision's parameter lists; generator is convkit's own (torchvision draws from torch's global generator)
const TV = 'torchvision.transforms.';
const SIZE = check<F.Size>('an integer or an array of one or two integers', (v) => Number.isInteger(v) || (Array.isArray(v) && (v.length === 1 || v.length === 2) && v.every(Number.isInteger)));
const PADDING = check<number | readonly number[]>('an integer or an array of 2 or 4 integers', (v) => Number.isInteger(v) || (Array.isArray(v) && v.every(Number.isInteger)));
const FILL = is.numberOrTuple;
const PAD_MODE = is.oneOf('constant', 'edge', 'reflect', 'symmetric');
const INTERPOLATION = is.oneOf('nearest', 'bilinear');
const GENERATOR = [['generator', is.generator]] as const;
const PAIR = check<readonly [number, number]>('an array of two numbers', (v) => Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number'));
const TRANSFORM = check<TransformLike>('a Transform or a function', (v) => v instanceof Transform || typeof v === 'function');
const COMPOSE = signature('Compose', TV, [['transforms', is.arrayOf(TRANSFORM)]], []);
const LAMBDA = signature('Lambda', TV, [['lambd', is.function]], []);
const TO_TENSOR = signature('ToTensor', TV, [], []);
const NORMALIZE = signature('Normalize', TV, [['mean', is.numbers], ['std', is.numbers]], [['inplace', is.bool]]);
const PAD = signature('Pad', TV, [['padding', PADDING]], [['fill', FILL], ['paddingMode', PAD_MODE]]);
const RESIZE = signature('Resize', TV, [['size', SIZE]], [
  ['interpolation', INTERPOLATION], ['maxSize', is.nullable(is.int)], ['antialias', check<null>('null (convkit resizes as torchvision does)', (v) => v === null)],
]);
const CENTER_CROP = signature('CenterCrop', TV, [['size', SIZE]], []);
const RANDOM_CROP = signature('RandomCrop', TV, [['size', SIZE]], [
  ['padding', is.nullable(PADDING)], ['padIfNeeded', is.bool], ['fill', FILL], ['paddingMode', PAD_MODE],
], GENERATOR);
const FLIP = signature('RandomHorizontalFlip', TV, [], [['p', is.number]], GENERATOR);
const VFLIP = signature('RandomVerticalFlip', TV, [], [['p', is.number]], GENERATOR);
const RANDOM_AFFINE = signature('RandomAffine', TV, [['degrees', is.numberOrTuple]], [
  ['translate', is.nullable(PAIR)], ['scale', is.nullable(PAIR)], ['shear', is.nullable(is.numberOrTuple)], ['interpolation', INTERPOLATION],
  ['fill', FILL], ['center', is.nullable(PAIR)],
], GENERATOR);

/** The given options without the nulls that stand for PyTorch's None (so defaults apply). */
function given<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null)) as { [K in keyof T]: Exclude<T[K], null> };
}

/** Applies transforms in order. */
export class Compose extends Transform {
  readonly transforms: TransformLike[];

  constructor(...args: ArgsOf<typeof COMPOSE>) {
    super();
    const { transforms } = parseArgs(COMPOSE, args);
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
  readonly fn: (x: I) => O;

  constructor(lambd: (x: I) => O);
  constructor(...args: ArgsOf<typeof LAMBDA>);
  constructor(...args: unknown[]) {
    super();
    this.fn = parseArgs(LAMBDA, args).lambd as (x: I) => O;
  }

  forward(x: I): O {
    return this.fn(x);
  }
}

/** An Image to float32 [C,H,W] in [0, 1]. */
export class ToTensor extends Transform<Image, Tensor> {
  constructor(...args: ArgsOf<typeof TO_TENSOR>) {
    super();
    parseArgs(TO_TENSOR, args);
  }

  forward(x: Image): Tensor {
    return F.toTensor(x);
  }
}

export class Normalize extends Transform<Tensor, Tensor> {
  readonly mean: readonly number[];
  readonly std: readonly number[];

  constructor(...args: ArgsOf<typeof NORMALIZE>) {
    super();
    const { mean, std } = parseArgs(NORMALIZE, args);
    this.mean = mean;
    this.std = std;
  }

  forward(x: Tensor): Tensor {
    return F.normalize(x, this.mean, this.std);
  }

  override toString(): string {
    return `Normalize(mean=${list(this.mean)}, std=${list(this.std)})`;
  }
}

export class Pad extends Transform<Picture, Picture> {
  readonly padding: number | readonly number[];
  readonly opts: F.PadOptions;

  constructor(...args: ArgsOf<typeof PAD>) {
    super();
    const { padding, ...opts } = parseArgs(PAD, args);
    F.paddingLTRB(padding, 'Pad');
    this.padding = padding;
    this.opts = opts;
  }

  forward(x: Picture): Picture {
    return F.pad(x, this.padding, this.opts);
  }
}

export class Resize extends Transform<Picture, Picture> {
  readonly size: F.Size;
  readonly opts: F.ResizeOptions;

  constructor(...args: ArgsOf<typeof RESIZE>) {
    super();
    const { size, antialias, ...opts } = parseArgs(RESIZE, args);
    this.size = size;
    this.opts = given(opts);
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
  readonly size: F.Size;

  constructor(...args: ArgsOf<typeof CENTER_CROP>) {
    super();
    const { size } = parseArgs(CENTER_CROP, args);
    this.size = size;
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

  readonly opts: RandomCropOptions;

  constructor(...args: ArgsOf<typeof RANDOM_CROP>) {
    super();
    const { size, ...opts } = parseArgs(RANDOM_CROP, args);
    this.opts = given(opts);
    this.size = F.sizeHW(size, 'RandomCrop');
    if (this.opts.padding !== undefined) F.paddingLTRB(this.opts.padding, 'RandomCrop');
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
  readonly p: number;
  readonly opts: RandomOptions;

  constructor(...args: ArgsOf<typeof FLIP>) {
    super();
    const { p = 0.5, generator } = parseArgs(FLIP, args);
    this.p = checkProbability(p, 'RandomHorizontalFlip');
    this.opts = { generator };
  }

  forward(x: Picture): Picture {
    return (this.opts.generator ?? defaultGenerator).random() < this.p ? F.hflip(x) : x;
  }

  override toString(): string {
    return `RandomHorizontalFlip(p=${this.p})`;
  }
}

export class RandomVerticalFlip extends Transform<Picture, Picture> {
  readonly p: number;
  readonly opts: RandomOptions;

  constructor(...args: ArgsOf<typeof VFLIP>) {
    super();
    const { p = 0.5, generator } = parseArgs(VFLIP, args);
    this.p = checkProbability(p, 'RandomVerticalFlip');
    this.opts = { generator };
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

  readonly opts: RandomAffineOptions;

  constructor(...args: ArgsOf<typeof RANDOM_AFFINE>) {
    super();
    const { degrees, ...rest } = parseArgs(RANDOM_AFFINE, args);
    const opts = given(rest) as RandomAffineOptions;
    this.opts = opts;
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

const signed: [object, typeof COMPOSE][] = [
  [Compose, COMPOSE], [Lambda, LAMBDA], [ToTensor, TO_TENSOR], [Normalize, NORMALIZE], [Pad, PAD], [Resize, RESIZE], [CenterCrop, CENTER_CROP],
  [RandomCrop, RANDOM_CROP], [RandomHorizontalFlip, FLIP], [RandomVerticalFlip, VFLIP], [RandomAffine, RANDOM_AFFINE],
] as unknown as [object, typeof COMPOSE][];
for (const [cls, sig] of signed) withSignature(cls, sig);

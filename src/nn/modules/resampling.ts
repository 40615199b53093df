/** Upsample (and its Nearest2d/Bilinear2d spellings), PixelShuffle and PixelUnshuffle. */
import { is, parseArgs, signature, withSignature, type ArgsOf } from '../../core/args.js';
import type { Tensor } from '../../core/tensor.js';
import { interpolate, pixelShuffle, pixelUnshuffle, type InterpolateMode } from '../../ops/conv/index.js';
import { checkPositiveInt, pyFloat, pySize } from '../check.js';
import { Module } from '../module.js';

const UPSAMPLE = signature('Upsample', 'torch.nn.', [], [
  ['size', is.nullable(is.intOrTuple)], ['scaleFactor', is.nullable(is.numberOrTuple)],
  ['mode', is.oneOf('nearest', 'nearest-exact', 'linear', 'bilinear', 'bicubic', 'trilinear', 'area')],
  ['alignCorners', is.nullable(is.bool)], ['recomputeScaleFactor', is.nullable(is.bool)],
]);

/** F.interpolate as a layer: `new nn.Upsample({ scaleFactor: 2, mode: 'bilinear' })` or `new nn.Upsample(null, 2)`. */
export class Upsample extends Module {
  readonly size: number | readonly number[] | null;
  readonly scaleFactor: number | readonly number[] | null;
  readonly mode: InterpolateMode;
  readonly alignCorners: boolean | null;
  readonly recomputeScaleFactor: boolean | null;

  constructor(...args: ArgsOf<typeof UPSAMPLE>) {
    super();
    const v = parseArgs(UPSAMPLE, args);
    this.size = v.size ?? null;
    // PyTorch stores a falsy factor as None
    this.scaleFactor = v.scaleFactor ? v.scaleFactor : null;
    this.mode = v.mode ?? 'nearest';
    this.alignCorners = v.alignCorners ?? null;
    this.recomputeScaleFactor = v.recomputeScaleFactor ?? null;
  }

  forward(x: Tensor): Tensor {
    return interpolate(x, this.size, this.scaleFactor, this.mode, this.alignCorners, this.recomputeScaleFactor);
  }

  override extraRepr(): string {
    const factor = this.scaleFactor;
    const info = factor !== null
      ? `scale_factor=${typeof factor === 'number' ? pyFloat(factor) : `(${factor.map(pyFloat).join(', ')})`}`
      : `size=${this.size === null ? 'None' : pySize(this.size)}`;
    return `${info}, mode=${this.mode}`;
  }
}

const UPSAMPLING_2D = signature('UpsamplingNearest2d', 'torch.nn.', [], [['size', is.nullable(is.intOrTuple)], ['scaleFactor', is.nullable(is.numberOrTuple)]]);
const UPSAMPLING_BILINEAR = signature('UpsamplingBilinear2d', 'torch.nn.', UPSAMPLING_2D.required, UPSAMPLING_2D.optional);

/** Upsample with mode 'nearest' (PyTorch's older spelling). */
export class UpsamplingNearest2d extends Upsample {
  constructor(...args: ArgsOf<typeof UPSAMPLING_2D>) {
    const { size = null, scaleFactor = null } = parseArgs(UPSAMPLING_2D, args);
    super(size, scaleFactor, 'nearest');
  }
}

/** Upsample with mode 'bilinear' and alignCorners true (PyTorch's older spelling). */
export class UpsamplingBilinear2d extends Upsample {
  constructor(...args: ArgsOf<typeof UPSAMPLING_BILINEAR>) {
    const { size = null, scaleFactor = null } = parseArgs(UPSAMPLING_BILINEAR, args);
    super(size, scaleFactor, 'bilinear', true);
  }
}

const PIXEL_SHUFFLE = signature('PixelShuffle', 'torch.nn.', [['upscaleFactor', is.int]], []);
const PIXEL_UNSHUFFLE = signature('PixelUnshuffle', 'torch.nn.', [['downscaleFactor', is.int]], []);

/** [*, C·r², H, W] → [*, C, H·r, W·r]. */
export class PixelShuffle extends Module {
  readonly upscaleFactor: number;

  constructor(...args: ArgsOf<typeof PIXEL_SHUFFLE>) {
    super();
    this.upscaleFactor = parseArgs(PIXEL_SHUFFLE, args).upscaleFactor;
    checkPositiveInt(this.upscaleFactor, 'PixelShuffle', 'upscaleFactor');
  }

  forward(x: Tensor): Tensor {
    return pixelShuffle(x, this.upscaleFactor);
  }

  override extraRepr(): string {
    return `upscale_factor=${this.upscaleFactor}`;
  }
}

/** [*, C, H·r, W·r] → [*, C·r², H, W]. */
export class PixelUnshuffle extends Module {
  readonly downscaleFactor: number;

  constructor(...args: ArgsOf<typeof PIXEL_UNSHUFFLE>) {
    super();
    this.downscaleFactor = parseArgs(PIXEL_UNSHUFFLE, args).downscaleFactor;
    checkPositiveInt(this.downscaleFactor, 'PixelUnshuffle', 'downscaleFactor');
  }

  forward(x: Tensor): Tensor {
    return pixelUnshuffle(x, this.downscaleFactor);
  }

  override extraRepr(): string {
    return `downscale_factor=${this.downscaleFactor}`;
  }
}

withSignature(Upsample, UPSAMPLE);
withSignature(UpsamplingNearest2d, UPSAMPLING_2D);
withSignature(UpsamplingBilinear2d, UPSAMPLING_BILINEAR);
withSignature(PixelShuffle, PIXEL_SHUFFLE);
withSignature(PixelUnshuffle, PIXEL_UNSHUFFLE);

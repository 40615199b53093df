import { fmt } from '../core/shape.js';

/**
 * An 8-bit image in height × width × channels order, the role PIL images play in torchvision: what
 * datasets return before `ToTensor`. Decoders produce it and `transforms.ToTensor` turns it into a
 * float32 [C,H,W] tensor in [0, 1].
 */
export class Image {
  constructor(
    readonly data: Uint8Array,
    readonly height: number,
    readonly width: number,
    readonly channels: number,
  ) {
    for (const [name, v] of [['height', height], ['width', width], ['channels', channels]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new RangeError(`Image: ${name} must be a positive integer, got ${v}`);
    }
    if (data.length !== height * width * channels) {
      throw new RangeError(`Image: ${fmt([height, width, channels])} (H,W,C) needs ${height * width * channels} bytes, got ${data.length}`);
    }
  }

  /** [channels, height, width], as torchvision's get_dimensions. */
  get dims(): [number, number, number] {
    return [this.channels, this.height, this.width];
  }

  toString(): string {
    return `Image(${this.width}x${this.height}, ${this.channels} channel${this.channels === 1 ? '' : 's'})`;
  }
}

/** Padding layers: F.pad with a fixed amount per side, (left, right[, top, bottom[, front, back]]). */
import { is, parseArgs, sameSignature, signature, type ArgsOf } from '../../core/args.js';
import type { Tensor } from '../../core/tensor.js';
import { pad, type PadMode } from '../../ops/conv/index.js';
import { pyFloat, pySize } from '../check.js';
import { Module } from '../module.js';

const CONSTANT_PAD = signature('ConstantPad2d', 'torch.nn.', [['padding', is.size], ['value', is.number]], []);
const MODE_PAD = signature('ReflectionPad2d', 'torch.nn.', [['padding', is.size]], []);
const CONSTANT_PAD_SIGS = [1, 2, 3].map((nd) => signature(`ConstantPad${nd}d`, `torch.nn.ConstantPad${nd}d`, CONSTANT_PAD.required, []));
const MODE_PAD_SIGS = Object.fromEntries(
  ['ReflectionPad1d', 'ReflectionPad2d', 'ReflectionPad3d', 'ReplicationPad1d', 'ReplicationPad2d', 'ReplicationPad3d', 'ZeroPad2d']
    .map((name) => [name, signature(name, 'torch.nn.', MODE_PAD.required, [])]),
);

abstract class PadNd extends Module {
  /** (before, after) per padded dim, last dim first: PyTorch's order. */
  readonly padding: number[];

  constructor(nd: number, padding: number | readonly number[]) {
    super();
    const list = typeof padding === 'number' ? new Array<number>(2 * nd).fill(padding) : Array.isArray(padding) ? padding.slice() : [];
    if (list.length !== 2 * nd || list.some((p) => !Number.isInteger(p))) {
      throw new RangeError(`${this.constructor.name}: padding must be an integer or ${2 * nd} integers (before and after, last dim first), got ${JSON.stringify(padding)}`);
    }
    this.padding = list;
  }
}

/** Padding whose values come from the input itself (mirrored or repeated). */
abstract class ModePad extends PadNd {
  private readonly _mode: Exclude<PadMode, 'constant'>;

  constructor(nd: number, mode: Exclude<PadMode, 'constant'>, padding: number | readonly number[]) {
    super(nd, padding);
    this._mode = mode;
  }

  forward(x: Tensor): Tensor {
    return pad(x, this.padding, { mode: this._mode });
  }

  override extraRepr(): string {
    return pySize(this.padding);
  }
}

abstract class ConstantPadNd extends PadNd {
  readonly value: number;

  constructor(nd: number, padding: number | readonly number[], value: number) {
    super(nd, padding);
    if (typeof value !== 'number') throw new TypeError(`${this.constructor.name}: value must be a number, got ${typeof value}`);
    this.value = value;
  }

  forward(x: Tensor): Tensor {
    return pad(x, this.padding, { value: this.value });
  }

  override extraRepr(): string {
    return `padding=${pySize(this.padding)}, value=${pyFloat(this.value)}`;
  }
}

/** Pads the last dim with a constant. */
export class ConstantPad1d extends ConstantPadNd {
  constructor(...args: ArgsOf<typeof CONSTANT_PAD>) {
    const { padding, value } = parseArgs(CONSTANT_PAD_SIGS[0], args);
    super(1, padding, value);
  }
}

/** Pads the last two dims with a constant: padding (left, right, top, bottom). */
export class ConstantPad2d extends ConstantPadNd {
  constructor(...args: ArgsOf<typeof CONSTANT_PAD>) {
    const { padding, value } = parseArgs(CONSTANT_PAD_SIGS[1], args);
    super(2, padding, value);
  }
}

export class ConstantPad3d extends ConstantPadNd {
  constructor(...args: ArgsOf<typeof CONSTANT_PAD>) {
    const { padding, value } = parseArgs(CONSTANT_PAD_SIGS[2], args);
    super(3, padding, value);
  }
}

/** Pads the last two dims with zeros: padding (left, right, top, bottom). */
export class ZeroPad2d extends ConstantPadNd {
  constructor(...args: ArgsOf<typeof MODE_PAD>) {
    super(2, parseArgs(MODE_PAD_SIGS.ZeroPad2d, args).padding, 0);
  }

  override extraRepr(): string {
    return pySize(this.padding);
  }
}

/** Mirrors the input at its border (without repeating the edge): [1 2 3] padded by 2 is [3 2 1 2 3 2 1]. */
export class ReflectionPad1d extends ModePad {
  constructor(...args: ArgsOf<typeof MODE_PAD>) {
    super(1, 'reflect', parseArgs(MODE_PAD_SIGS['ReflectionPad1d'], args).padding);
  }
}

export class ReflectionPad2d extends ModePad {
  constructor(...args: ArgsOf<typeof MODE_PAD>) {
    super(2, 'reflect', parseArgs(MODE_PAD_SIGS['ReflectionPad2d'], args).padding);
  }
}

export class ReflectionPad3d extends ModePad {
  constructor(...args: ArgsOf<typeof MODE_PAD>) {
    super(3, 'reflect', parseArgs(MODE_PAD_SIGS['ReflectionPad3d'], args).padding);
  }
}

/** Repeats the edge values: [1 2 3] padded by 2 is [1 1 1 2 3 3 3]. */
export class ReplicationPad1d extends ModePad {
  constructor(...args: ArgsOf<typeof MODE_PAD>) {
    super(1, 'replicate', parseArgs(MODE_PAD_SIGS['ReplicationPad1d'], args).padding);
  }
}

export class ReplicationPad2d extends ModePad {
  constructor(...args: ArgsOf<typeof MODE_PAD>) {
    super(2, 'replicate', parseArgs(MODE_PAD_SIGS['ReplicationPad2d'], args).padding);
  }
}

export class ReplicationPad3d extends ModePad {
  constructor(...args: ArgsOf<typeof MODE_PAD>) {
    super(3, 'replicate', parseArgs(MODE_PAD_SIGS['ReplicationPad3d'], args).padding);
  }
}

const padClasses = { ConstantPad1d, ConstantPad2d, ConstantPad3d, ZeroPad2d, ReflectionPad1d, ReflectionPad2d, ReflectionPad3d, ReplicationPad1d, ReplicationPad2d, ReplicationPad3d };
for (const [name, cls] of Object.entries(padClasses)) {
  const sig = name.startsWith('Constant') ? CONSTANT_PAD_SIGS[Number(name[11]) - 1] : MODE_PAD_SIGS[name];
  sameSignature(cls, sig, name, 'torch.nn.');
}

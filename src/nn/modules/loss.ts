/**
 * Losses as modules (nn.CrossEntropyLoss, ...): options fixed at construction, forward(input, target).
 * Class and element weights are buffers, as in PyTorch, so they appear in state dicts under 'weight'.
 */
import { is, parseArgs, signature, withSignature, type ArgsOf } from '../../core/args.js';
import type { Tensor } from '../../core/tensor.js';
import * as L from '../losses.js';
import { Module } from '../module.js';

// size_average and reduce are PyTorch's deprecated spellings of reduction: kept so positions line up
const DEPRECATED = [['sizeAverage', is.deprecated], ['reduce', is.deprecated]] as const;
const WEIGHT = ['weight', is.nullable(is.tensor)] as const;
const REDUCTION = ['reduction', is.reduction] as const;
const L1_SIG = signature('L1Loss', 'torch.nn.', [], [...DEPRECATED, REDUCTION]);
const MSE = signature('MSELoss', 'torch.nn.', [], [...DEPRECATED, REDUCTION]);
const SMOOTH_L1 = signature('SmoothL1Loss', 'torch.nn.', [], [...DEPRECATED, REDUCTION, ['beta', is.number]]);
const HUBER = signature('HuberLoss', 'torch.nn.', [], [REDUCTION, ['delta', is.number]]);
const KL_DIV = signature('KLDivLoss', 'torch.nn.', [], [...DEPRECATED, ['reduction', is.oneOf('none', 'mean', 'sum', 'batchmean')], ['logTarget', is.bool]]);
const BCE = signature('BCELoss', 'torch.nn.', [], [WEIGHT, ...DEPRECATED, REDUCTION]);
const BCE_LOGITS = signature('BCEWithLogitsLoss', 'torch.nn.', [], [WEIGHT, ...DEPRECATED, REDUCTION, ['posWeight', is.nullable(is.tensor)]]);
const NLL = signature('NLLLoss', 'torch.nn.', [], [WEIGHT, DEPRECATED[0], ['ignoreIndex', is.int], DEPRECATED[1], REDUCTION]);
const CROSS_ENTROPY = signature('CrossEntropyLoss', 'torch.nn.', [], [...NLL.optional, ['labelSmoothing', is.number]]);

abstract class Loss extends Module {
  readonly reduction: L.Reduction;

  constructor({ reduction = 'mean' }: L.LossOptions) {
    super();
    L.checkReduction(reduction, this.constructor.name);
    this.reduction = reduction;
  }

  abstract override forward(input: Tensor, target: Tensor): Tensor;
}

abstract class WeightedLoss extends Loss {
  constructor({ weight, reduction }: L.WeightedLossOptions) {
    super({ reduction });
    this.registerBuffer('weight', weight ?? null);
  }

  get weight(): Tensor | null {
    return this.getBuffer('weight');
  }
}

export class L1Loss extends Loss {
  constructor(...args: ArgsOf<typeof MSE>) {
    super(parseArgs(L1_SIG, args));
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return L.l1Loss(input, target, { reduction: this.reduction });
  }
}

export class MSELoss extends Loss {
  constructor(...args: ArgsOf<typeof MSE>) {
    super(parseArgs(MSE, args));
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return L.mseLoss(input, target, { reduction: this.reduction });
  }
}

export class SmoothL1Loss extends Loss {
  readonly beta: number;

  constructor(...args: ArgsOf<typeof SMOOTH_L1>) {
    const { reduction, beta = 1 } = parseArgs(SMOOTH_L1, args);
    super({ reduction });
    this.beta = beta;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return L.smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

export class HuberLoss extends Loss {
  readonly delta: number;

  constructor(...args: ArgsOf<typeof HUBER>) {
    const { reduction, delta = 1 } = parseArgs(HUBER, args);
    super({ reduction });
    this.delta = delta;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return L.huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

export class KLDivLoss extends Module {
  readonly reduction: L.KlDivOptions['reduction'];
  readonly logTarget: boolean;

  constructor(...args: ArgsOf<typeof KL_DIV>) {
    super();
    const { reduction = 'mean', logTarget = false } = parseArgs(KL_DIV, args);
    L.checkReduction(reduction, 'KLDivLoss', ['batchmean']);
    this.reduction = reduction;
    this.logTarget = logTarget;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return L.klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}

export class BCELoss extends WeightedLoss {
  constructor(...args: ArgsOf<typeof BCE>) {
    super(parseArgs(BCE, args));
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return L.binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

export class BCEWithLogitsLoss extends WeightedLoss {
  constructor(...args: ArgsOf<typeof BCE_LOGITS>) {
    const { weight, reduction, posWeight } = parseArgs(BCE_LOGITS, args);
    super({ weight, reduction });
    this.registerBuffer('pos_weight', posWeight ?? null);
  }

  get posWeight(): Tensor | null {
    return this.getBuffer('pos_weight');
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return L.binaryCrossEntropyWithLogits(input, target, { weight: this.weight, reduction: this.reduction, posWeight: this.posWeight });
  }
}

export class NLLLoss extends WeightedLoss {
  readonly ignoreIndex: number;

  constructor(...args: ArgsOf<typeof NLL>) {
    const { weight, reduction, ignoreIndex = -100 } = parseArgs(NLL, args);
    super({ weight, reduction });
    this.ignoreIndex = ignoreIndex;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return L.nllLoss(input, target, { weight: this.weight, reduction: this.reduction, ignoreIndex: this.ignoreIndex });
  }
}

export class CrossEntropyLoss extends WeightedLoss {
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;

  constructor(...args: ArgsOf<typeof CROSS_ENTROPY>) {
    const { weight, reduction, ignoreIndex = -100, labelSmoothing = 0 } = parseArgs(CROSS_ENTROPY, args);
    super({ weight, reduction });
    this.ignoreIndex = ignoreIndex;
    this.labelSmoothing = labelSmoothing;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return L.crossEntropy(input, target, {
      weight: this.weight, reduction: this.reduction, ignoreIndex: this.ignoreIndex, labelSmoothing: this.labelSmoothing,
    });
  }
}

withSignature(L1Loss, L1_SIG);
withSignature(MSELoss, MSE);
withSignature(SmoothL1Loss, SMOOTH_L1);
withSignature(HuberLoss, HUBER);
withSignature(KLDivLoss, KL_DIV);
withSignature(BCELoss, BCE);
withSignature(BCEWithLogitsLoss, BCE_LOGITS);
withSignature(NLLLoss, NLL);
withSignature(CrossEntropyLoss, CROSS_ENTROPY);

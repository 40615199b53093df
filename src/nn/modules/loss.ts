/**
 * Losses as modules (nn.CrossEntropyLoss, ...): options fixed at construction, forward(input, target).
 * Class and element weights are buffers, as in PyTorch, so they appear in state dicts under 'weight'.
 */
import type { Tensor } from '../../core/tensor.js';
import * as L from '../losses.js';
import { Module } from '../module.js';

abstract class Loss extends Module {
  readonly reduction: L.Reduction;

  constructor({ reduction = 'mean' }: L.LossOptions = {}) {
    super();
    L.checkReduction(reduction, this.constructor.name);
    this.reduction = reduction;
  }

  abstract override forward(input: Tensor, target: Tensor): Tensor;
}

abstract class WeightedLoss extends Loss {
  constructor({ weight, reduction }: L.WeightedLossOptions = {}) {
    super({ reduction });
    this.registerBuffer('weight', weight ?? null);
  }

  get weight(): Tensor | null {
    return this.getBuffer('weight');
  }
}

export class L1Loss extends Loss {
  forward(input: Tensor, target: Tensor): Tensor {
    return L.l1Loss(input, target, { reduction: this.reduction });
  }
}

export class MSELoss extends Loss {
  forward(input: Tensor, target: Tensor): Tensor {
    return L.mseLoss(input, target, { reduction: this.reduction });
  }
}

export class SmoothL1Loss extends Loss {
  readonly beta: number;

  constructor({ reduction, beta = 1 }: L.SmoothL1Options = {}) {
    super({ reduction });
    this.beta = beta;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return L.smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

export class HuberLoss extends Loss {
  readonly delta: number;

  constructor({ reduction, delta = 1 }: L.HuberOptions = {}) {
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

  constructor({ reduction = 'mean', logTarget = false }: L.KlDivOptions = {}) {
    super();
    L.checkReduction(reduction, 'KLDivLoss', ['batchmean']);
    this.reduction = reduction;
    this.logTarget = logTarget;
  }

  forward(input: Tensor, target: Tensor): Tensor {
    return L.klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}

export class BCELoss extends WeightedLoss {
  forward(input: Tensor, target: Tensor): Tensor {
    return L.binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

export class BCEWithLogitsLoss extends WeightedLoss {
  constructor({ weight, reduction, posWeight }: L.BceWithLogitsOptions = {}) {
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

  constructor({ weight, reduction, ignoreIndex = -100 }: L.NllLossOptions = {}) {
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

  constructor({ weight, reduction, ignoreIndex = -100, labelSmoothing = 0 }: L.CrossEntropyOptions = {}) {
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

/** One epoch of training, as fit records it and the CLI writes it to metrics.json. */
export interface EpochRecord {
  /** 1-based. */
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss: number | null;
  valAccuracy: number | null;
  /** The learning rate of the first parameter group during the epoch. */
  lr: number;
  seconds: number;
  imagesPerSecond: number;
  /** Where the epoch's time went, in seconds: waiting for data, forward (with the loss), backward, the optimiser and scheduler step. */
  timing: { data: number; forward: number; backward: number; optimizer: number };
  /** Extra metrics from fit's `metrics` option, on the validation data (or training data without it). */
  metrics: Record<string, number>;
}

export interface History {
  epochs: EpochRecord[];
  /** Why fit returned. */
  stopReason: 'completed' | 'earlyStopping' | 'interrupted';
}

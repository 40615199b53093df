/**
 * The optimiser cases of test/fixtures/optim.json (PyTorch 1.13 trajectories from tools/gen_optim_fixtures.py)
 * without learning-rate schedules, shared by the backends' fused-update tests (test/optim/optimizers.test.ts has
 * them all on the CPU).
 */
import * as ck from '../../src/index.js';
import { loadFixture, type TensorSpec } from './index.js';

const { optim } = ck;

export interface Trajectory {
  losses: number[];
  params: TensorSpec[];
}
export const optimFixture = loadFixture<{ x: TensorSpec; y: TensorSpec; initial: Record<string, TensorSpec>; cases: Record<string, Trajectory> }>('optim');

export type Opt = ck.optim.Optimizer<{ lr: number }>;

/** Each case's optimiser, as the generator builds it. */
export const OPTIM_CASES: Record<string, (m: ck.nn.Module) => Opt> = {
  SGD: (m) => new optim.SGD(m.parameters(), { lr: 0.1 }),
  'SGD momentum': (m) => new optim.SGD(m.parameters(), { lr: 0.1, momentum: 0.9 }),
  'SGD nesterov weightDecay': (m) => new optim.SGD(m.parameters(), { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
  'SGD dampening weightDecay': (m) => new optim.SGD(m.parameters(), { lr: 0.05, momentum: 0.8, dampening: 0.3, weightDecay: 0.1 }),
  'SGD maximize': (m) => new optim.SGD(m.parameters(), { lr: 0.01, momentum: 0.5, maximize: true }),
  Adam: (m) => new optim.Adam(m.parameters(), { lr: 0.01 }),
  'Adam amsgrad weightDecay': (m) => new optim.Adam(m.parameters(), { lr: 0.02, amsgrad: true, weightDecay: 0.1 }),
  'Adam betas eps': (m) => new optim.Adam(m.parameters(), { lr: 0.01, betas: [0.8, 0.9], eps: 1e-3 }),
  'Adam maximize weightDecay': (m) => new optim.Adam(m.parameters(), { lr: 0.01, weightDecay: 0.1, maximize: true }),
  AdamW: (m) => new optim.AdamW(m.parameters(), { lr: 0.01 }),
  'AdamW amsgrad': (m) => new optim.AdamW(m.parameters(), { lr: 0.02, weightDecay: 0.5, amsgrad: true }),
  'AdamW maximize': (m) => new optim.AdamW(m.parameters(), { lr: 0.01, weightDecay: 0.5, maximize: true }),
  RMSprop: (m) => new optim.RMSprop(m.parameters(), { lr: 0.01 }),
  'RMSprop centered momentum weightDecay': (m) => new optim.RMSprop(m.parameters(), { lr: 0.01, alpha: 0.9, momentum: 0.9, centered: true, weightDecay: 0.01 }),
  'RMSprop maximize weightDecay': (m) => new optim.RMSprop(m.parameters(), { lr: 0.01, weightDecay: 0.1, maximize: true }),
  Adagrad: (m) => new optim.Adagrad(m.parameters(), { lr: 0.1 }),
  'Adagrad lrDecay weightDecay initial': (m) => new optim.Adagrad(m.parameters(), { lr: 0.1, lrDecay: 0.1, weightDecay: 0.01, initialAccumulatorValue: 0.1 }),
};

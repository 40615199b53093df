/**
 * Which layers of the playground's models the pictures look at, by state-dict path (what ck.vis takes): the
 * first convolution and its activation (filters and feature maps), and the last convolution whose output is still
 * a spatial map, after its activation (Grad-CAM; LeNet-5's C5 map is 1×1, so C3's 10×10).
 */
import type { ModelName } from './trainer.js';

export interface Anatomy {
  firstConv: string;
  firstMaps: string;
  gradCamLayer: string;
}

const LENET: Anatomy = { firstConv: 'features_detector.0', firstMaps: 'features_detector.1', gradCamLayer: 'features_detector.4' };

export const ANATOMY: Record<ModelName, Anatomy> = {
  'lenet5-relu': LENET,
  'lenet5-sigmoid': LENET,
  'simple-cnn': { firstConv: 'features.0', firstMaps: 'features.1', gradCamLayer: 'features.3' },
};

/**
 * `ck.vis`: look inside a CNN. Filters and feature maps, attributions (saliency, SmoothGrad, integrated
 * gradients, Grad-CAM), feature visualisation by activation maximisation, and images for a page or a file.
 * Browser-safe: PNG files are written by 'convkit/node' (`ck.vis.toPng`, `ck.vis.savePng`).
 */
export { filters } from './filters.js';
export type { FiltersOptions } from './filters.js';
export { featureMaps } from './layers.js';
export { grid, upscale } from './grid.js';
export { labeledGrid } from './labels.js';
export type { LabeledGridOptions } from './labels.js';
export type { GridOptions } from './grid.js';
export { saliency, smoothGrad, gradCam } from './attribution.js';
export type { SmoothGradOptions, GradCamOptions } from './attribution.js';
export { integratedGradients } from './integrated-gradients.js';
export type { IntegratedGradientsOptions, IntegratedGradientsResult } from './integrated-gradients.js';
export { activationMaximization } from './lazy.js';
export type { ActivationMaximizationOptions, ActivationMaximizationResult } from './activation-max.js';
export { overlay } from './overlay.js';
export type { OverlayOptions } from './overlay.js';
export { colorize, COLORMAPS } from './colormap.js';
export type { ColormapName, ColorizeOptions } from './colormap.js';
export { resizeBilinear as resize } from './sample.js';
export { toRGBA, toImageData, drawToCanvas } from './output.js';
export type { RGBAImage, ToRGBAOptions } from './output.js';

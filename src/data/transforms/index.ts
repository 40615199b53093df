/** ck.data.transforms: torchvision.transforms for Images and tensors; `functional` holds the plain functions. */
export * from './transforms.js';
export * as functional from './functional.js';
export type { Picture } from './planes.js';

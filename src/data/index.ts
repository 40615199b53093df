/** ck.data: datasets, batching and augmentation (browser-safe; file loading lives in convkit/node). */
export { Dataset, TensorDataset, Subset, randomSplit } from './dataset.js';
export { DataLoader } from './dataloader.js';
export type { DataLoaderOptions } from './dataloader.js';
export { defaultCollate } from './collate.js';
export { Image } from './image.js';
export { parseIdx, encodeIdx, isGzip } from './datasets/idx.js';
export type { IdxArray, IdxType, IdxData } from './datasets/idx.js';
export { MNIST, FashionMNIST } from './datasets/mnist.js';
export { CIFAR10, parseCifarBatch } from './datasets/cifar.js';
export type { CifarBatch } from './datasets/cifar.js';
export { LabelledImages } from './datasets/vision.js';
export type { VisionDatasetOptions } from './datasets/vision.js';
export * as transforms from './transforms/index.js';

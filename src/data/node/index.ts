/** ck.data's Node-only part (file system, zlib, image decoders), merged into `data` by convkit/node. */
export { loadFashionMNIST, loadMNIST, DEBIAN_FASHION_MNIST, BUILTIN_FASHION_MNIST } from './idx-files.js';
export type { IdxLoadOptions } from './idx-files.js';
export { loadCIFAR10 } from './cifar-files.js';
export type { CifarLoadOptions } from './cifar-files.js';
export { ImageFolder } from './image-folder.js';
export type { ImageFolderOptions } from './image-folder.js';
export { decodeImage, encodePng, DEFAULT_MAX_PIXELS } from './decode.js';
export type { DecodeOptions } from './decode.js';
export { readMaybeGzip } from './files.js';

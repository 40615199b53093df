/** The data sets `convkit train/eval` know by name, with their statistics and the transforms the CLI applies. */
import { join } from 'node:path';
import { Generator } from '../core/random.js';
import type { Tensor } from '../core/tensor.js';
import { Dataset } from '../data/dataset.js';
import { Image } from '../data/image.js';
import type { LabelledImages } from '../data/datasets/vision.js';
import { BUILTIN_FASHION_MNIST, loadFashionMNIST, loadMNIST } from '../data/node/idx-files.js';
import { loadCIFAR10 } from '../data/node/cifar-files.js';
import { ImageFolder } from '../data/node/image-folder.js';
import * as T from '../data/transforms/transforms.js';
import { UsageError } from './args.js';

export const DATA_NAMES = ['fashion-mnist-mini', 'fashion-mnist', 'mnist', 'cifar10', 'folder'] as const;
export type DataName = (typeof DATA_NAMES)[number];

/** Raw samples (Images) of one split. */
export type RawDataset = Dataset<[Image, number]> & { readonly classes: readonly string[] };

export interface DataSpec {
  name: DataName;
  train: () => RawDataset;
  test: () => RawDataset;
  channels: number;
  /** Height = width of the images (for folders: what they are resized to). */
  side: number;
  mean: number[];
  std: number[];
  /** Horizontal flips are label-preserving (not for digits). */
  flip: boolean;
}

function required(dir: string | undefined, message: string): string {
  if (!dir) throw new UsageError(message);
  return dir;
}

/** A data set's description; its files are only looked for when `train()` or `test()` is called. */
export function dataSpec(name: string, dataDir: string | undefined): DataSpec {
  const idx = (load: typeof loadFashionMNIST, root: string | undefined) => ({ train: () => load({ root, train: true }), test: () => load({ root, train: false }) });
  switch (name) {
    case 'fashion-mnist-mini':
      return { name, ...idx(loadFashionMNIST, dataDir ?? BUILTIN_FASHION_MNIST), channels: 1, side: 28, mean: [0.286], std: [0.353], flip: true };
    case 'fashion-mnist':
      return { name, ...idx(loadFashionMNIST, dataDir), channels: 1, side: 28, mean: [0.286], std: [0.353], flip: true };
    case 'mnist':
      return { name, ...idx(loadMNIST, dataDir), channels: 1, side: 28, mean: [0.1307], std: [0.3081], flip: false };
    case 'cifar10': {
      const root = (): string => required(dataDir, '--data cifar10 needs --data-dir: the cifar-10-batches-bin directory (or its parent) of the CIFAR-10 binary version');
      return { name, train: () => loadCIFAR10({ root: root(), train: true }), test: () => loadCIFAR10({ root: root(), train: false }), channels: 3, side: 32, mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616], flip: true };
    }
    case 'folder': {
      const root = (): string => required(dataDir, '--data folder needs --data-dir: a directory with train/ and test/ sub-folders, each holding one folder of images per class');
      return { name, train: () => new ImageFolder(join(root(), 'train')), test: () => new ImageFolder(join(root(), 'test')), channels: 3, side: 64, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], flip: true };
    }
    default:
      throw new UsageError(`unknown data set '${name}'; available: ${DATA_NAMES.join(', ')}`);
  }
}

/**
 * Transforms from a raw Image to the model's input tensor: folders are resized to the data set's side; a
 * model a few pixels larger than the images gets them centred by padding (LeNet-5 reads Fashion-MNIST's
 * 28x28 as 32x32, as in LeCun's paper), a different size is resized. With augment, training images are
 * randomly shifted (crop with padding) and, where it preserves the label, flipped.
 */
export function pipeline(spec: DataSpec, modelSide: number, augment: Generator | null): T.Transform<Image, Tensor> {
  const steps: T.TransformLike[] = [];
  if (spec.name === 'folder') steps.push(new T.Resize([spec.side, spec.side]));
  const grow = modelSide - spec.side;
  if (grow > 0 && grow <= 8 && grow % 2 === 0) steps.push(new T.Pad(grow / 2));
  else if (grow !== 0) steps.push(new T.Resize([modelSide, modelSide]));
  if (augment) {
    steps.push(new T.RandomCrop(modelSide, { padding: Math.max(2, Math.round(modelSide / 8)), generator: augment }));
    if (spec.flip) steps.push(new T.RandomHorizontalFlip(0.5, { generator: augment }));
  }
  steps.push(new T.ToTensor(), new T.Normalize(spec.mean, spec.std));
  return new T.Compose(steps) as T.Transform<Image, Tensor>;
}

/** A raw dataset seen through a transform (the loaders' view), keeping the raw one for the report. */
export class Transformed extends Dataset<[Tensor, number]> {
  constructor(readonly raw: Dataset<[Image, number]>, readonly transform: T.Transform<Image, Tensor>) {
    super();
  }

  get length(): number {
    return this.raw.length;
  }

  getItem(index: number): [Tensor, number] | Promise<[Tensor, number]> {
    const item = this.raw.getItem(index);
    const apply = ([img, y]: [Image, number]): [Tensor, number] => [this.transform.forward(img), y];
    return item instanceof Promise ? item.then(apply) : apply(item);
  }
}

/** An image file for `predict`: decoded, converted to the data set's channels and size. */
export function toDataImage(img: Image, spec: DataSpec): Image {
  let out = img;
  if (spec.channels === 1 && img.channels >= 3) {
    // ITU-R 601-2 luma, as PIL's convert('L')
    const grey = new Uint8Array(img.height * img.width);
    for (let p = 0; p < grey.length; p++) grey[p] = Math.round((img.data[p * img.channels] * 299 + img.data[p * img.channels + 1] * 587 + img.data[p * img.channels + 2] * 114) / 1000);
    out = new Image(grey, img.height, img.width, 1);
  }
  if (out.height !== spec.side || out.width !== spec.side) out = new T.Resize([spec.side, spec.side]).forward(out) as Image;
  return out;
}

import { fmt } from '../../core/shape.js';
import { check, ownSignature, parseArgs, sameSignature, signature, withSignature, type ArgsOf } from '../../core/args.js';
import { Image } from '../image.js';
import { parseIdx, type IdxArray } from './idx.js';
import { LabelledImages, readRoot, rootSignature, TRANSFORMS, type VisionDatasetOptions } from './vision.js';

/**
 * MNIST-style data (28×28 grey images, one label each) from parsed IDX arrays. `fromBytes` takes the two
 * uncompressed IDX files; convkit/node's `loadMNIST` / `loadFashionMNIST` find and read them from disk.
 */
const IDX = check<IdxArray>('a parsed IDX array (ck.data.parseIdx)', (v) => typeof v === 'object' && v !== null && 'shape' in v && 'data' in v && 'type' in v);
// two forms: parsed arrays (works everywhere), or torchvision's MNIST(root, train, transform, target_transform,
// download), whose files convkit/node reads
const MNIST_SIG = signature('MNIST', null, [['images', IDX], ['labels', IDX]], [...TRANSFORMS]);
const MNIST_ROOT = rootSignature('MNIST', 'torchvision.datasets.');
const FASHION_ROOT = rootSignature('FashionMNIST', 'torchvision.datasets.');
/** Where to get the files, for the error of `download: true`. */
const GET_DATA: Record<string, string> = {
  MNIST: 'Get the four IDX files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz) from the MNIST database\'s site, or let torchvision fetch them once (torchvision.datasets.MNIST(root, download=True) puts them in <root>/MNIST/raw), then pass that root.',
  FashionMNIST: 'Install them with `apt-get install dataset-fashion-mnist` (root /usr/share/datasets/fashion-mnist), or get the four IDX files from Zalando\'s fashion-mnist repository, then pass that root.',
};

interface Parsed<X> {
  images: IdxArray;
  labels: IdxArray;
  opts: VisionDatasetOptions<X>;
  dir?: string;
}

/** The arrays of either form: parsed ones as given, or read from root (torchvision's form). */
function parsedOf<X>(cls: { name: string }, args: unknown[]): Parsed<X> {
  if (typeof args[0] === 'string') {
    const sig = cls.name === 'FashionMNIST' ? FASHION_ROOT : MNIST_ROOT;
    const { data, dir, opts } = readRoot<X>(sig, args, GET_DATA[sig.name]);
    return { ...(data as { images: IdxArray; labels: IdxArray }), opts, dir };
  }
  const { images, labels, ...opts } = parseArgs(ownSignature(cls, MNIST_SIG), args) as { images: IdxArray; labels: IdxArray } & VisionDatasetOptions<X>;
  return { images, labels, opts };
}

export class MNIST<X = Image> extends LabelledImages<X> {
  static readonly classes: readonly string[] = ['0 - zero', '1 - one', '2 - two', '3 - three', '4 - four', '5 - five', '6 - six', '7 - seven', '8 - eight', '9 - nine'];
  readonly images: Uint8Array;
  readonly height: number;
  readonly width: number;

  constructor(images: IdxArray, labels: IdxArray, opts?: VisionDatasetOptions<X>);
  constructor(...args: ArgsOf<typeof MNIST_SIG>);
  constructor(...args: ArgsOf<typeof MNIST_ROOT>);
  constructor(...args: unknown[]) {
    const name = new.target.name;
    const { images, labels, opts, dir } = parsedOf<X>(new.target, args);
    if (images.type !== 'uint8' || images.shape.length !== 3) throw new Error(`${name}: expected images as uint8 [N,H,W], got ${images.type} ${fmt(images.shape)}`);
    if (labels.type !== 'uint8' || labels.shape.length !== 1) throw new Error(`${name}: expected labels as uint8 [N], got ${labels.type} ${fmt(labels.shape)}`);
    if (labels.shape[0] !== images.shape[0]) throw new Error(`${name}: ${images.shape[0]} images but ${labels.shape[0]} labels`);
    if (images.shape.includes(0)) throw new Error(`${name}: the data set is empty or its images have no pixels (images ${fmt(images.shape)})`);
    super(Int32Array.from(labels.data), opts);
    [, this.height, this.width] = images.shape;
    this.images = images.data as Uint8Array;
    this.root = dir;
    this.checkTargets(name);
  }

  get classes(): readonly string[] {
    return (this.constructor as typeof MNIST).classes;
  }

  /** From the bytes of an uncompressed images file and labels file (idx3 and idx1). */
  static fromBytes<X = Image>(images: Uint8Array, labels: Uint8Array, opts: VisionDatasetOptions<X> = {}): MNIST<X> {
    return new MNIST(parseIdx(images, 'images'), parseIdx(labels, 'labels'), opts);
  }

  protected image(index: number): Image {
    const size = this.height * this.width;
    return new Image(this.images.subarray(index * size, (index + 1) * size), this.height, this.width, 1);
  }
}

/** Zalando's Fashion-MNIST: the MNIST format with ten kinds of clothing. */
export class FashionMNIST<X = Image> extends MNIST<X> {
  static override readonly classes: readonly string[] = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

  static override fromBytes<X = Image>(images: Uint8Array, labels: Uint8Array, opts: VisionDatasetOptions<X> = {}): FashionMNIST<X> {
    return new FashionMNIST(parseIdx(images, 'images'), parseIdx(labels, 'labels'), opts);
  }
}

withSignature(MNIST, MNIST_SIG);
sameSignature(FashionMNIST, MNIST_SIG, 'FashionMNIST', null);

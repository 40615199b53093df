import { Image } from '../image.js';
import { check, is, parseArgs, signature, withSignature, type ArgsOf } from '../../core/args.js';
import { LabelledImages, readRoot, rootSignature, TRANSFORMS, type VisionDatasetOptions } from './vision.js';

const SIDE = 32;
const PIXELS = SIDE * SIDE;
const RECORD = 1 + 3 * PIXELS;

export interface CifarBatch {
  /** N records of 3072 bytes: the red, green and blue 32×32 planes. */
  images: Uint8Array;
  labels: Uint8Array;
}

/** Parses one CIFAR-10 binary batch (data_batch_1.bin ...): records of a label byte and 3072 pixel bytes. */
export function parseCifarBatch(bytes: Uint8Array, name = 'CIFAR-10 batch'): CifarBatch {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`parseCifarBatch: expected a Uint8Array, got ${typeof bytes}`);
  if (bytes.length === 0 || bytes.length % RECORD !== 0) {
    throw new Error(`parseCifarBatch: ${name} has ${bytes.length} bytes, not a whole number of ${RECORD}-byte records (label + 3x32x32 pixels)`);
  }
  const n = bytes.length / RECORD;
  const images = new Uint8Array(n * 3 * PIXELS);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = bytes[i * RECORD];
    images.set(bytes.subarray(i * RECORD + 1, (i + 1) * RECORD), i * 3 * PIXELS);
  }
  return { images, labels };
}

/** CIFAR-10 (32×32 RGB, ten classes) from parsed binary batches, in the order given. */
// torchvision's CIFAR10(root, train, ...) reads files; this one takes parsed batches (convkit/node's loadCIFAR10 reads them)
const CIFAR10_ROOT = rootSignature('CIFAR10', 'torchvision.datasets.');
/** Where to get the files, for the error of `download: true`. */
export const CIFAR10_HELP = 'Download the "CIFAR-10 binary version" (cifar-10-binary.tar.gz) from the CIFAR-10 site, extract it, and pass root: the cifar-10-batches-bin directory or its parent.';
const CIFAR10_SIG = signature('CIFAR10', null, [['batches', is.arrayOf(check<CifarBatch>('CIFAR-10 batch (parseCifarBatch)', (v) => typeof v === 'object' && v !== null && 'labels' in v))]], [...TRANSFORMS]);

export class CIFAR10<X = Image> extends LabelledImages<X> {
  static readonly classes: readonly string[] = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
  readonly images: Uint8Array;

  constructor(batches: readonly CifarBatch[], opts?: VisionDatasetOptions<X>);
  constructor(...args: ArgsOf<typeof CIFAR10_SIG>);
  constructor(...args: ArgsOf<typeof CIFAR10_ROOT>);
  constructor(...args: unknown[]) {
    const fromRoot = typeof args[0] === 'string' ? readRoot<X>(CIFAR10_ROOT, args, CIFAR10_HELP) : null;
    const { batches, ...opts } = fromRoot
      ? { batches: fromRoot.data as readonly CifarBatch[], ...fromRoot.opts }
      : (parseArgs(CIFAR10_SIG, args) as { batches: readonly CifarBatch[] } & VisionDatasetOptions<X>);
    const total = batches.reduce((n, b) => n + b.labels.length, 0);
    const labels = new Int32Array(total);
    const images = new Uint8Array(total * 3 * PIXELS);
    let at = 0;
    for (const b of batches) {
      if (b.images.length !== b.labels.length * 3 * PIXELS) throw new Error(`CIFAR10: a batch has ${b.labels.length} labels but ${b.images.length} image bytes`);
      labels.set(b.labels, at);
      images.set(b.images, at * 3 * PIXELS);
      at += b.labels.length;
    }
    if (total === 0) throw new Error(`CIFAR10: the data set is empty (${batches.length} batches, no records)`);
    super(labels, opts);
    this.images = images;
    this.root = fromRoot?.dir;
    this.checkTargets('CIFAR10');
  }

  get classes(): readonly string[] {
    return CIFAR10.classes;
  }

  /** From the bytes of binary batch files. */
  static fromBytes<X = Image>(batches: readonly Uint8Array[], opts: VisionDatasetOptions<X> = {}): CIFAR10<X> {
    return new CIFAR10(batches.map((b, i) => parseCifarBatch(b, `batch ${i}`)), opts);
  }

  /** The stored planes (CHW) interleaved into an H×W×C Image. */
  protected image(index: number): Image {
    const src = this.images.subarray(index * 3 * PIXELS, (index + 1) * 3 * PIXELS);
    const hwc = new Uint8Array(3 * PIXELS);
    for (let p = 0; p < PIXELS; p++) {
      hwc[p * 3] = src[p];
      hwc[p * 3 + 1] = src[PIXELS + p];
      hwc[p * 3 + 2] = src[2 * PIXELS + p];
    }
    return new Image(hwc, SIDE, SIDE, 3);
  }
}

withSignature(CIFAR10, CIFAR10_SIG);

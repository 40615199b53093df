import { readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import { Dataset } from '../dataset.js';
import type { Image } from '../image.js';
import { applyTransform, type TransformLike } from '../transforms/transforms.js';
import { TRANSFORMS, type VisionDatasetOptions } from '../datasets/vision.js';
import { is, parseArgs, signature, withSignature, type ArgsOf } from '../../core/args.js';
import { decodeImage } from './decode.js';
import { isDirectory } from './files.js';

export interface ImageFolderOptions<X> extends VisionDatasetOptions<X> {
  /** File extensions that count as images (lower case, with the dot). */
  extensions?: readonly string[];
}

const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'];
// torchvision's ImageFolder(root, transform, target_transform, loader, is_valid_file): decoding is built in, and
// extensions picks the files
const IMAGE_FOLDER = signature('ImageFolder', null, [['root', is.string]], [...TRANSFORMS], [['extensions', is.arrayOf(is.string)]]);

/** Every file under `dir` (following sub-folders), sorted, as torchvision's make_dataset walks. */
function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else out.push(path);
  }
  return out;
}

/**
 * A class-per-folder image tree (`root/cat/1.png`, `root/dog/x.jpg`), as torchvision's ImageFolder:
 * classes are the sorted sub-folder names; files are read and decoded (PNG, JPEG) on demand.
 */
export class ImageFolder<X = Image> extends Dataset<[X, number]> {
  readonly classes: string[];
  readonly classToIdx: Record<string, number>;
  /** [path, class index] for every image, class by class, paths sorted. */
  readonly samples: [string, number][];
  private readonly transform?: TransformLike<Image, X>;
  private readonly targetTransform?: (target: number) => number;

  readonly root: string;

  constructor(root: string, opts?: ImageFolderOptions<X>);
  constructor(...args: ArgsOf<typeof IMAGE_FOLDER>);
  constructor(...args: unknown[]) {
    super();
    const { root, ...opts } = parseArgs(IMAGE_FOLDER, args) as { root: string } & ImageFolderOptions<X>;
    this.root = root;
    if (!isDirectory(root)) throw new Error(`ImageFolder: ${root} is not a directory (expected one sub-folder of images per class)`);
    const extensions = (opts.extensions ?? IMAGE_EXTENSIONS).map((e) => e.toLowerCase());
    this.classes = readdirSync(root).filter((n) => isDirectory(join(root, n))).sort();
    if (this.classes.length === 0) throw new Error(`ImageFolder: couldn't find any class folder in ${root}`);
    this.classToIdx = Object.fromEntries(this.classes.map((c, i) => [c, i]));
    this.samples = [];
    const empty: string[] = [];
    this.classes.forEach((c, i) => {
      const files = walk(join(root, c)).filter((p) => extensions.includes(extname(p).toLowerCase()));
      if (files.length === 0) empty.push(c);
      for (const f of files) this.samples.push([f, i]);
    });
    if (empty.length) throw new Error(`ImageFolder: found no valid file for the classes ${empty.join(', ')} in ${root}. Supported extensions are: ${extensions.join(', ')}`);
    this.transform = opts.transform ?? undefined;
    this.targetTransform = opts.targetTransform ?? undefined;
  }

  get length(): number {
    return this.samples.length;
  }

  get targets(): number[] {
    return this.samples.map(([, t]) => t);
  }

  async getItem(index: number): Promise<[X, number]> {
    this.checkIndex(index);
    const [path, target] = this.samples[index];
    const bytes = await readFile(path);
    const img = decodeImage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), relative(this.root, path));
    const x = this.transform ? applyTransform(this.transform, img) : (img as X);
    return [x, this.targetTransform ? this.targetTransform(target) : target];
  }
}

withSignature(ImageFolder, IMAGE_FOLDER);

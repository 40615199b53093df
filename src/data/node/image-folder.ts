import { readdirSync, realpathSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import { Dataset } from '../dataset.js';
import type { Image } from '../image.js';
import { applyTransform, type TransformLike } from '../transforms/transforms.js';
import type { VisionDatasetOptions } from '../datasets/vision.js';
import { decodeImage } from './decode.js';
import { checkMaxPixels } from './image-limits.js';

export interface ImageFolderOptions<X> extends VisionDatasetOptions<X> {
  /** File extensions that count as images (lower case, with the dot). */
  extensions?: readonly string[];
  /** Images with more pixels are refused when read (default 178,956,970, PIL's limit). */
  maxPixels?: number;
}

const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'];

/** Entries a walk could not use: a dangling symlink, a symlink loop, an unreadable folder. */
type Broken = string[];

/** What `path` is once symlinks are followed, or why it cannot be used (recorded in `broken`). */
function kind(path: string, broken: Broken): 'dir' | 'file' | null {
  try {
    const st = statSync(path);
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : null;
  } catch (e) {
    const code = (e as { code?: string }).code;
    broken.push(`${path} (${code === 'ENOENT' ? 'dangling symlink' : code === 'ELOOP' ? 'symlink loop' : code ?? (e as Error).message})`);
    return null;
  }
}

/**
 * Every file under `dir` (following sub-folders and symlinks), sorted, as torchvision's make_dataset walks.
 * A folder reached again through a symlink (a loop) is walked once; unusable entries go to `broken`.
 */
function walk(dir: string, broken: Broken, seen = new Set<string>()): string[] {
  let names: string[];
  try {
    const real = realpathSync(dir);
    if (seen.has(real)) {
      broken.push(`${dir} (symlink loop: ${real} is already being read)`);
      return [];
    }
    seen.add(real);
    names = readdirSync(dir).sort();
  } catch (e) {
    broken.push(`${dir} (${(e as { code?: string }).code ?? (e as Error).message})`);
    return [];
  }
  const out: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const k = kind(path, broken);
    if (k === 'dir') out.push(...walk(path, broken, new Set(seen)));
    else if (k === 'file') out.push(path);
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
  private readonly maxPixels: number;
  /** Entries skipped because they cannot be read (dangling symlinks, symlink loops), with the reason. */
  readonly skipped: readonly string[];

  constructor(readonly root: string, opts: ImageFolderOptions<X> = {}) {
    super();
    if (typeof root !== 'string' || root === '') throw new TypeError(`ImageFolder: root must be a directory path (a non-empty string), got ${root === null ? 'null' : JSON.stringify(root) ?? typeof root}`);
    if (kind(root, []) !== 'dir') throw new Error(`ImageFolder: ${root} is not a directory (expected one sub-folder of images per class)`);
    this.maxPixels = checkMaxPixels(opts.maxPixels, 'ImageFolder');
    const extensions = (opts.extensions ?? IMAGE_EXTENSIONS).map((e) => e.toLowerCase());
    const broken: Broken = [];
    this.classes = readdirSync(root).filter((n) => kind(join(root, n), broken) === 'dir').sort();
    if (this.classes.length === 0) throw new Error(`ImageFolder: couldn't find any class folder in ${root}${broken.length ? `; unreadable entries: ${broken.join(', ')}` : ''}`);
    this.classToIdx = Object.fromEntries(this.classes.map((c, i) => [c, i]));
    this.samples = [];
    const empty: string[] = [];
    this.classes.forEach((c, i) => {
      const files = walk(join(root, c), broken).filter((p) => extensions.includes(extname(p).toLowerCase()));
      if (files.length === 0) empty.push(c);
      for (const f of files) this.samples.push([f, i]);
    });
    if (empty.length) throw new Error(`ImageFolder: found no valid file for the classes ${empty.join(', ')} in ${root}. Supported extensions are: ${extensions.join(', ')}${broken.length ? `; unreadable entries: ${broken.join(', ')}` : ''}`);
    this.skipped = broken;
    // one warning for the whole tree, so a stray link does not fail a data set of thousands of good files
    if (broken.length) console.warn(`ImageFolder: skipped ${broken.length} unreadable entr${broken.length === 1 ? 'y' : 'ies'} in ${root}: ${broken.join(', ')}`);
    this.transform = opts.transform;
    this.targetTransform = opts.targetTransform;
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
    const img = decodeImage(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), relative(this.root, path), { maxPixels: this.maxPixels });
    const x = this.transform ? applyTransform(this.transform, img) : (img as X);
    return [x, this.targetTransform ? this.targetTransform(target) : target];
  }
}

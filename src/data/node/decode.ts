import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { Image } from '../image.js';
import { checkMaxPixels, imageError, type DecodeOptions } from './image-limits.js';
import { checkJpeg, isJpegSignature } from './jpeg-check.js';
import { checkPng, isPngSignature } from './png-check.js';

export { DEFAULT_MAX_PIXELS, type DecodeOptions } from './image-limits.js';

/** RGBA pixels to RGB, dropping alpha as PIL's convert('RGB') (torchvision's default loader) does. */
function rgbaToRgb(rgba: Uint8Array, width: number, height: number): Image {
  const rgb = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    rgb[p * 3] = rgba[p * 4];
    rgb[p * 3 + 1] = rgba[p * 4 + 1];
    rgb[p * 3 + 2] = rgba[p * 4 + 2];
  }
  return new Image(rgb, height, width, 3);
}

function decodePng(bytes: Uint8Array, name: string, maxPixels: number): Image {
  checkPng(bytes, name, maxPixels);
  const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return rgbaToRgb(png.data, png.width, png.height);
}

function decodeJpeg(bytes: Uint8Array, name: string, maxPixels: number): Image {
  checkJpeg(bytes, name, maxPixels);
  const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxResolutionInMP: maxPixels / 1e6, maxMemoryUsageInMB: Math.max(512, Math.ceil((maxPixels * 8) / 2 ** 20)) });
  return new Image(img.data, img.height, img.width, 3);
}

/**
 * Decodes a PNG or JPEG file's bytes into an RGB Image (the format is told by its magic bytes, not its name).
 * Untrusted bytes are safe: the header is validated first (dimensions, pixel limit, compressed data against
 * what the dimensions need), and every input either decodes to the same pixels or is refused with the reason.
 */
export function decodeImage(bytes: Uint8Array, name = 'image', opts: DecodeOptions = {}): Image {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`decodeImage: expected the file's bytes as a Uint8Array, got ${bytes === null ? 'null' : typeof bytes}`);
  const maxPixels = checkMaxPixels(opts?.maxPixels, 'decodeImage');
  const decode = isPngSignature(bytes) ? decodePng : isJpegSignature(bytes) ? decodeJpeg : null;
  if (!decode) throw imageError(name, `is neither a PNG nor a JPEG file (first bytes ${Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ')})`);
  try {
    return decode(bytes, name, maxPixels);
  } catch (err) {
    if ((err as Error).message.startsWith('decodeImage:')) throw err;
    throw imageError(name, `is a corrupt image (${(err as Error).message})`);
  }
}
/** An Image as PNG bytes (grey images stay grey), for reports and tests. */
export function encodePng(img: Image): Uint8Array {
  const png = new PNG({ width: img.width, height: img.height });
  for (let p = 0; p < img.width * img.height; p++) {
    for (let c = 0; c < 3; c++) png.data[p * 4 + c] = img.data[p * img.channels + (img.channels >= 3 ? c : 0)];
    png.data[p * 4 + 3] = img.channels === 4 ? img.data[p * 4 + 3] : 255;
  }
  return new Uint8Array(PNG.sync.write(png));
}

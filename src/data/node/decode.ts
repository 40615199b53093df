import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { Image } from '../image.js';

const isPng = (b: Uint8Array): boolean => b.length > 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47;
const isJpeg = (b: Uint8Array): boolean => b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

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

/** Decodes a PNG or JPEG file's bytes into an RGB Image (the format is told by its magic bytes, not its name). */
export function decodeImage(bytes: Uint8Array, name = 'image'): Image {
  try {
    if (isPng(bytes)) {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return rgbaToRgb(png.data, png.width, png.height);
    }
    if (isJpeg(bytes)) {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 512 });
      return new Image(img.data, img.height, img.width, 3);
    }
  } catch (err) {
    throw new Error(`decodeImage: ${name} is a corrupt image (${(err as Error).message})`);
  }
  throw new Error(`decodeImage: ${name} is neither a PNG nor a JPEG file (first bytes ${Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ')})`);
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

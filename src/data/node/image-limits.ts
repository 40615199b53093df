/**
 * Limits on untrusted images, checked from their headers before anything is decoded or allocated: a file of a
 * few bytes must not make the process allocate gigabytes, spin for seconds or read uninitialised memory.
 */

/** PIL's decompression-bomb error threshold (2 × Image.MAX_IMAGE_PIXELS), the default here too. */
export const DEFAULT_MAX_PIXELS = 178_956_970;

export interface DecodeOptions {
  /** Images with more pixels (width × height) are refused before decoding; default 178,956,970 as PIL. */
  maxPixels?: number;
}

export function checkMaxPixels(maxPixels: unknown, op: string): number {
  if (maxPixels === undefined) return DEFAULT_MAX_PIXELS;
  if (typeof maxPixels !== 'number' || !Number.isSafeInteger(maxPixels) || maxPixels < 1) {
    throw new RangeError(`${op}: maxPixels must be a positive integer, got ${String(maxPixels)}`);
  }
  return maxPixels;
}

/** The image error every check throws: the file, what is wrong, and for size limits how to raise them. */
export function imageError(name: string, why: string): Error {
  return new Error(`decodeImage: ${name} ${why}`);
}

export function checkPixels(name: string, width: number, height: number, maxPixels: number): void {
  if (width * height > maxPixels) {
    throw imageError(name, `declares ${width}x${height} = ${width * height} pixels, more than the limit of ${maxPixels} (a decompression bomb?); raise it with the maxPixels option if the file is trusted`);
  }
}

/**
 * JPEG frame header checked before jpeg-js decodes (ITU-T T.81 B.2.2): the dimensions against the pixel limit,
 * and against the file's size. Every 8×8 block of every component in a scan costs at least one bit of
 * Huffman-coded data (its DC code), so a file of B bytes holds at most 8·B blocks of its smallest component;
 * a 16×16 file declaring 10000×10000 is refused at once instead of after seconds of decoding. (Arithmetic coding
 * could code a block in less than a bit; jpeg-js does not decode it, so such files are refused first.)
 */
import { checkPixels, imageError } from './image-limits.js';

export interface JpegFrame {
  width: number;
  height: number;
  components: { h: number; v: number }[];
}

/** Start-of-frame markers: baseline, extended, progressive and lossless, Huffman or arithmetic (not DHT/JPG/DAC). */
const isStartOfFrame = (m: number): boolean => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
export const isJpegSignature = (b: Uint8Array): boolean => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

function findFrame(bytes: Uint8Array, name: string): JpegFrame {
  for (let at = 2; at + 4 <= bytes.length; ) {
    if (bytes[at] !== 0xff) throw imageError(name, `has no marker at byte ${at} (found 0x${bytes[at].toString(16)}): corrupt JPEG`);
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) break; // end of image, or a scan before any frame header
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    if (length < 2 || at + 2 + length > bytes.length) throw imageError(name, `is truncated: segment 0xff${marker.toString(16)} at byte ${at} declares ${length} bytes`);
    if (isStartOfFrame(marker)) {
      // the Huffman-coded DCT processes jpeg-js decodes; their blocks cost at least one bit each (the bound below)
      if (marker > 0xc2) throw imageError(name, `uses JPEG process 0xff${marker.toString(16)} (lossless, hierarchical or arithmetic-coded), which is not supported`);
      return parseFrame(bytes.subarray(at + 4, at + 2 + length), name);
    }
    at += 2 + length;
  }
  throw imageError(name, 'has no frame header (SOF) before its image data: corrupt or truncated JPEG');
}

function parseFrame(seg: Uint8Array, name: string): JpegFrame {
  if (seg.length < 6) throw imageError(name, `has a frame header of ${seg.length} bytes`);
  const height = (seg[1] << 8) | seg[2];
  const width = (seg[3] << 8) | seg[4];
  const count = seg[5];
  if (height === 0 || width === 0) throw imageError(name, `declares ${width}x${height} pixels (a height given later by a DNL marker is not supported)`);
  if (count < 1 || count > 4 || seg.length < 6 + 3 * count) throw imageError(name, `declares ${count} components in a ${seg.length}-byte frame header (expected 1 to 4)`);
  const components = Array.from({ length: count }, (_, i) => ({ h: seg[7 + 3 * i] >> 4, v: seg[7 + 3 * i] & 15 }));
  if (components.some((c) => c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4)) throw imageError(name, 'declares sampling factors outside 1..4');
  return { width, height, components };
}

/** Validates a JPEG's frame header against `maxPixels` and the file's size; returns it. */
export function checkJpeg(bytes: Uint8Array, name: string, maxPixels: number): JpegFrame {
  const frame = findFrame(bytes, name);
  checkPixels(name, frame.width, frame.height, maxPixels);
  const hMax = Math.max(...frame.components.map((c) => c.h));
  const vMax = Math.max(...frame.components.map((c) => c.v));
  const blocks = Math.min(...frame.components.map((c) => Math.ceil(Math.ceil((frame.width * c.h) / hMax) / 8) * Math.ceil(Math.ceil((frame.height * c.v) / vMax) / 8)));
  if (blocks > 8 * bytes.length) {
    throw imageError(name, `declares ${frame.width}x${frame.height} pixels (${blocks} 8x8 blocks per component at least), more than its ${bytes.length} bytes can code (one bit per block at least): corrupt or truncated JPEG`);
  }
  return frame;
}

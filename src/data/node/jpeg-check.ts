/**
 * JPEG frame header checked before jpeg-js decodes (ITU-T T.81 B.2.2): the dimensions against the pixel limit,
 * and against the file's size. Every 8×8 block of every component in a scan costs at least one bit of
 * Huffman-coded data (its DC code, in the baseline scan or the progressive DC scan that every component must
 * have), so a file of B bytes holds at most 8·B blocks of its smallest component;
 * a 16×16 file declaring 10000×10000 is refused at once instead of after seconds of decoding. (Arithmetic coding
 * could code a block in less than a bit; jpeg-js does not decode it, so such files are refused first.)
 */
import { checkPixels, imageError } from './image-limits.js';

export interface JpegFrame {
  width: number;
  height: number;
  components: { id: number; h: number; v: number }[];
}

/** Start-of-frame markers: baseline, extended, progressive and lossless, Huffman or arithmetic (not DHT/JPG/DAC). */
const isStartOfFrame = (m: number): boolean => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
export const isJpegSignature = (b: Uint8Array): boolean => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;

/** The byte after the entropy-coded data that starts at `at`: the next marker that is not a restart (RSTn) or a stuffed 0xff00. */
function skipEntropyCoded(bytes: Uint8Array, at: number): number {
  for (let i = at; i + 1 < bytes.length; i++) {
    if (bytes[i] === 0xff && bytes[i + 1] !== 0 && (bytes[i + 1] < 0xd0 || bytes[i + 1] > 0xd7)) return i;
  }
  return bytes.length;
}

/** The components (by id) whose DC coefficients a scan header codes first (Ss = 0, Ah = 0: baseline scans, progressive DC scans). */
function dcComponents(seg: Uint8Array): number[] {
  const n = seg[0];
  if (seg.length < 1 + 2 * n + 3) return [];
  const [ss, , ahal] = seg.subarray(1 + 2 * n, 4 + 2 * n);
  return ss === 0 && ahal >> 4 === 0 ? Array.from({ length: n }, (_, i) => seg[1 + 2 * i]) : [];
}

/** Walks the markers: the frame header, and which components some scan codes the DC coefficients of. */
function readMarkers(bytes: Uint8Array, name: string): { frame: JpegFrame; coded: Set<number> } {
  let frame: JpegFrame | null = null;
  const coded = new Set<number>();
  for (let at = 2; at + 4 <= bytes.length; ) {
    if (bytes[at] !== 0xff) throw imageError(name, `has no marker at byte ${at} (found 0x${bytes[at].toString(16)}): corrupt JPEG`);
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xd9) break; // end of image
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    if (length < 2 || at + 2 + length > bytes.length) throw imageError(name, `is truncated: segment 0xff${marker.toString(16)} at byte ${at} declares ${length} bytes`);
    const seg = bytes.subarray(at + 4, at + 2 + length);
    if (isStartOfFrame(marker)) {
      if (frame) throw imageError(name, 'has two frame headers (SOF)');
      // the Huffman-coded DCT processes jpeg-js decodes; their blocks cost at least one bit each (the bound below)
      if (marker > 0xc2) throw imageError(name, `uses JPEG process 0xff${marker.toString(16)} (lossless, hierarchical or arithmetic-coded), which is not supported`);
      frame = parseFrame(seg, name);
    }
    at += 2 + length;
    if (marker === 0xda) {
      if (!frame) throw imageError(name, 'has image data (SOS) before its frame header (SOF)');
      for (const id of dcComponents(seg)) coded.add(id);
      at = skipEntropyCoded(bytes, at);
    }
  }
  if (!frame) throw imageError(name, 'has no frame header (SOF): corrupt or truncated JPEG');
  return { frame, coded };
}

function parseFrame(seg: Uint8Array, name: string): JpegFrame {
  if (seg.length < 6) throw imageError(name, `has a frame header of ${seg.length} bytes`);
  const height = (seg[1] << 8) | seg[2];
  const width = (seg[3] << 8) | seg[4];
  const count = seg[5];
  if (height === 0 || width === 0) throw imageError(name, `declares ${width}x${height} pixels (a height given later by a DNL marker is not supported)`);
  if (count < 1 || count > 4 || seg.length < 6 + 3 * count) throw imageError(name, `declares ${count} components in a ${seg.length}-byte frame header (expected 1 to 4)`);
  const components = Array.from({ length: count }, (_, i) => ({ id: seg[6 + 3 * i], h: seg[7 + 3 * i] >> 4, v: seg[7 + 3 * i] & 15 }));
  if (components.some((c) => c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4)) throw imageError(name, 'declares sampling factors outside 1..4');
  return { width, height, components };
}

/** Validates a JPEG's frame header against `maxPixels` and the file's size; returns it. */
export function checkJpeg(bytes: Uint8Array, name: string, maxPixels: number): JpegFrame {
  const { frame, coded } = readMarkers(bytes, name);
  checkPixels(name, frame.width, frame.height, maxPixels);
  // a component no scan codes would be decoded from nothing (a progressive file of AC scans only costs no bits per block)
  const uncoded = frame.components.filter((c) => !coded.has(c.id));
  if (uncoded.length) throw imageError(name, `has no scan coding the DC coefficients of component${uncoded.length > 1 ? 's' : ''} ${uncoded.map((c) => c.id).join(', ')}: truncated or corrupt JPEG`);
  const hMax = Math.max(...frame.components.map((c) => c.h));
  const vMax = Math.max(...frame.components.map((c) => c.v));
  const blocks = Math.min(...frame.components.map((c) => Math.ceil(Math.ceil((frame.width * c.h) / hMax) / 8) * Math.ceil(Math.ceil((frame.height * c.v) / vMax) / 8)));
  if (blocks > 8 * bytes.length) {
    throw imageError(name, `declares ${frame.width}x${frame.height} pixels (${blocks} 8x8 blocks per component at least), more than its ${bytes.length} bytes can code (one bit per block at least): corrupt or truncated JPEG`);
  }
  return frame;
}

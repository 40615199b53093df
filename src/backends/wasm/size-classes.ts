/**
 * Free lists by size class for the blocks that stay resident in WebAssembly memory across kernel calls (cached
 * weights and their transforms). Classes step by quarters of a power of two (64, 80, 96, 112, 128, 160, ... bytes),
 * so a block wastes at most a fifth of its size and every block is a multiple of 16 bytes (SIMD alignment).
 * WebAssembly memory never shrinks: a freed block waits in its class's list for the next block of that class.
 */

/** The smallest class: 64 bytes (below that the quarter steps would break 16-byte alignment). */
const MIN_CLASS = 24;

/** Bytes of blocks of class `c`: (4 + c mod 4) · 2^(c div 4 − 2), which is 2^(c/4) for c a multiple of 4. */
export function classSize(c: number): number {
  return (4 + (c & 3)) * 2 ** ((c >> 2) - 2);
}

/** The smallest class whose blocks hold `bytes`. */
export function classOf(bytes: number): number {
  if (!(bytes >= 0) || !Number.isFinite(bytes)) throw new RangeError(`wasm backend: block size must be a finite number of bytes >= 0, got ${bytes}`);
  let c = Math.max(MIN_CLASS, 4 * Math.floor(Math.log2(Math.max(bytes, 64))));
  while (classSize(c) < bytes) c++;
  return c;
}

export class FreeLists {
  private readonly lists = new Map<number, number[]>();
  /** Bytes held in free blocks. */
  freeBytes = 0;

  /** A free block of class `c`, or undefined when there is none. */
  take(c: number): number | undefined {
    const ptr = this.lists.get(c)?.pop();
    if (ptr !== undefined) this.freeBytes -= classSize(c);
    return ptr;
  }

  /**
   * A block of class `c`: a free one, else the front of the smallest larger free block, whose rest goes back to
   * the lists (the memory never shrinks, so splitting what is there beats growing it).
   */
  takeOrSplit(c: number): number | undefined {
    const exact = this.take(c);
    if (exact !== undefined) return exact;
    let best = Infinity;
    for (const [k, list] of this.lists) if (k > c && k < best && list.length > 0) best = k;
    if (best === Infinity) return undefined;
    const ptr = this.take(best)!;
    this.giveRange(ptr + classSize(c), ptr + classSize(best));
    return ptr;
  }

  give(ptr: number, c: number): void {
    let list = this.lists.get(c);
    if (!list) this.lists.set(c, (list = []));
    list.push(ptr);
    this.freeBytes += classSize(c);
  }

  /** Hands the range [start, end) over as 16-byte-aligned blocks, largest classes first (a gap left by a carve). */
  giveRange(start: number, end: number): void {
    let at = Math.ceil(start / 16) * 16;
    while (end - at >= classSize(MIN_CLASS)) {
      let c = classOf(end - at);
      if (classSize(c) > end - at) c--;
      this.give(at, c);
      at += classSize(c);
    }
  }
}

/**
 * Storage buffers recycled by size class. A buffer released while commands that use it are still being
 * recorded must not be handed out again before those commands are submitted (a queue.writeBuffer into it
 * would run first), so releases wait in `retired` until the next submission, then become reusable.
 * A free buffer that no acquire has wanted for IDLE_SUBMISSIONS submissions is destroyed: tensors freed late by
 * the garbage collector can make many buffers live at once for a moment, and that peak must not stay pooled.
 */
const IDLE_SUBMISSIONS = 64;

interface FreeBuffer {
  readonly buffer: GPUBuffer;
  /** The submission after which it became free. */
  readonly since: number;
}

/** Four classes per power of two (1, 1.25, 1.5, 1.75 × 2^k), at least 256 bytes: at most 25% is wasted. */
export function sizeClass(bytes: number): number {
  const min = 256;
  if (bytes <= min) return min;
  const pow = 2 ** Math.floor(Math.log2(bytes));
  const quarter = pow / 4;
  return Math.min(pow * 2, pow + Math.ceil((bytes - pow) / quarter) * quarter);
}

export interface PoolStats {
  /** Bytes held by buffers handed out and not yet released. */
  liveBytes: number;
  liveBuffers: number;
  /** Bytes kept for reuse (free or waiting for a submission). */
  pooledBytes: number;
  /** Buffers created since start-up: flat over a training run once the pool has warmed up. */
  created: number;
}

export class BufferPool {
  /** Per size class, oldest first: acquire takes the newest, trimming drops the oldest. */
  private readonly free = new Map<number, FreeBuffer[]>();
  private retired: GPUBuffer[] = [];
  private submissions = 0;
  private readonly stats: PoolStats = { liveBytes: 0, liveBuffers: 0, pooledBytes: 0, created: 0 };

  constructor(private readonly device: GPUDevice, private readonly usage: number) {}

  acquire(bytes: number): GPUBuffer {
    const size = sizeClass(bytes);
    const reused = this.free.get(size)?.pop()?.buffer;
    if (reused) this.stats.pooledBytes -= size;
    const buffer = reused ?? this.create(size);
    this.stats.liveBytes += size;
    this.stats.liveBuffers++;
    return buffer;
  }

  /** Returns a buffer; it becomes reusable after the next submission. */
  release(buffer: GPUBuffer): void {
    this.stats.liveBytes -= buffer.size;
    this.stats.liveBuffers--;
    this.stats.pooledBytes += buffer.size;
    this.retired.push(buffer);
  }

  /** Called right after a submission: every retired buffer is now safe to hand out again. */
  submitted(): void {
    const since = ++this.submissions;
    for (const buffer of this.retired) {
      const list = this.free.get(buffer.size);
      if (list) list.push({ buffer, since });
      else this.free.set(buffer.size, [{ buffer, since }]);
    }
    this.retired = [];
    if (since % IDLE_SUBMISSIONS === 0) this.trim(since - IDLE_SUBMISSIONS);
  }

  /** Destroys the free buffers that have waited since before submission `before`. */
  private trim(before: number): void {
    for (const list of this.free.values()) {
      let idle = 0;
      while (idle < list.length && list[idle].since < before) idle++;
      for (const { buffer } of list.splice(0, idle)) {
        this.stats.pooledBytes -= buffer.size;
        buffer.destroy();
      }
    }
  }

  snapshot(): PoolStats {
    return { ...this.stats };
  }

  private create(size: number): GPUBuffer {
    this.stats.created++;
    return this.device.createBuffer({ size, usage: this.usage });
  }
}

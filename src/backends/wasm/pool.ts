/**
 * A pool of worker threads over the kernels' shared memory. The calling thread is thread 0 and always works;
 * workers start when the backend registers in Node (at ready() or the first parallel kernel elsewhere, or after
 * setNumThreads raises the count), never keep Node alive (unref), and only join jobs once
 * they report ready, so a kernel never waits on a worker that is still starting (a browser cannot even start
 * one while its main thread is busy). Work is split for every started thread, ready or not, and the calling
 * thread runs the parts of workers that are not ready yet: how a kernel splits (and so how its reductions
 * round) depends on the thread count only, never on the moment the workers became ready.
 */
import { canBlock, nodeBuiltin } from '../platform.js';
import { ARGS, ARGS_PER_THREAD, CONTROL_INTS, COUNT, DONE, FAILED, FN, GEN, MAX_WORKERS, READY, SLEEPERS, SPINS } from './control.js';
import { BROWSER_ENTRY, nodeEntry, WORKER_SOURCE, type WorkerInit } from './worker-source.js';

type Kernel = (...args: number[]) => void;

interface NodeWorkerThreads {
  Worker: new (code: string, opts: { eval: true; workerData: WorkerInit; execArgv: string[] }) => { unref(): void };
}

/** Starts one worker running WORKER_SOURCE, in Node or in a browser; false where neither can. */
function startWorker(init: WorkerInit): boolean {
  const module = 'worker_threads';
  const wt = nodeBuiltin<NodeWorkerThreads>(module);
  if (wt) {
    // no inherited flags: --input-type=module would make the script ESM (no require); V8 flags are process-wide anyway
    new wt.Worker(WORKER_SOURCE + nodeEntry(`node:${module}`), { eval: true, workerData: init, execArgv: [] }).unref();
    return true;
  }
  if (typeof Worker === 'undefined' || typeof Blob === 'undefined') return false;
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE + BROWSER_ENTRY], { type: 'text/javascript' }));
  new Worker(url).postMessage(init);
  return true;
}

export class ThreadPool {
  private readonly control = new SharedArrayBuffer(CONTROL_INTS * 4);
  private readonly c = new Int32Array(this.control);
  private readonly args = new Float64Array(this.control, 4 * ARGS);
  private started = 0;
  private readonly blocking = canBlock();

  constructor(
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
    private readonly names: readonly string[],
    private readonly local: Readonly<Record<string, Kernel>>,
  ) {}

  /** Threads a job is split into (at most `wanted`): this one and every started worker, starting missing ones. */
  threads(wanted: number): number {
    const workers = Math.min(wanted - 1, MAX_WORKERS);
    while (this.started < workers) {
      const init: WorkerInit = { module: this.module, memory: this.memory, control: this.control, id: this.started, kernels: this.names };
      if (!startWorker(init)) break;
      this.started++;
    }
    return 1 + Math.min(this.started, workers);
  }

  /** How many of the first `workers` workers are ready to take jobs. */
  private ready(workers: number): number {
    let ready = 0;
    while (ready < workers && Atomics.load(this.c, READY + ready) === 1) ready++;
    return ready;
  }

  /** Starts the workers for `wanted` threads and resolves once they all take part in jobs (or after `timeoutMs`). */
  async warmUp(wanted: number, timeoutMs = 10_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    const threads = this.threads(wanted);
    while (this.ready(threads - 1) < threads - 1 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1));
    return 1 + this.ready(threads - 1);
  }

  /** Runs kernel `name` once per part with that part's arguments: args[0] here, the rest on ready workers or here. */
  run(name: string, args: readonly (readonly number[])[]): void {
    const fn = this.names.indexOf(name);
    if (fn < 0) throw new Error(`wasm backend: unknown kernel '${name}'`);
    const helpers = this.ready(args.length - 1);
    if (helpers > 0) this.publish(fn, args.slice(0, helpers + 1));
    this.local[name](...args[0]);
    // parts of workers still starting run here, so the split (and its rounding) is the same as with them
    for (let t = helpers + 1; t < args.length; t++) this.local[name](...args[t]);
    if (helpers > 0) this.join(name, helpers);
  }

  private publish(fn: number, args: readonly (readonly number[])[]): void {
    const c = this.c;
    for (let t = 1; t < args.length; t++) {
      if (args[t].length > ARGS_PER_THREAD) throw new Error(`wasm backend: a job takes at most ${ARGS_PER_THREAD} arguments per thread`);
      this.args.set(args[t], t * ARGS_PER_THREAD);
    }
    Atomics.store(c, FN, fn);
    Atomics.store(c, COUNT, args.length);
    Atomics.store(c, DONE, 0);
    Atomics.store(c, FAILED, 0);
    Atomics.add(c, GEN, 1);
    if (Atomics.load(c, SLEEPERS) > 0) Atomics.notify(c, GEN);
  }

  /**
   * Wakes sleeping workers ahead of a job: a kernel that will split calls this before copying its operands in,
   * so the wake-up overlaps that copy instead of delaying the workers' shares. Only notifies when one sleeps.
   */
  wake(): void {
    if (Atomics.load(this.c, SLEEPERS) > 0) Atomics.notify(this.c, GEN);
  }

  private join(name: string, workers: number): void {
    const c = this.c;
    let spins = 0;
    for (let done = Atomics.load(c, DONE); done < workers; done = Atomics.load(c, DONE)) {
      if (this.blocking && ++spins > SPINS) Atomics.wait(c, DONE, done);
    }
    if (Atomics.load(c, FAILED)) throw new Error(`wasm backend: a worker thread failed while running '${name}'`);
  }
}

/**
 * A pool of worker threads over the kernels' shared memory. The calling thread is thread 0 and always works;
 * workers start lazily on the first parallel kernel, never keep Node alive (unref), and only join jobs once
 * they report ready, so a kernel never waits on a worker that is still starting (a browser cannot even start
 * one while its main thread is busy).
 */
import { canBlock, nodeBuiltin } from '../platform.js';
import { ARGS, ARGS_PER_THREAD, CONTROL_INTS, COUNT, DONE, FAILED, FN, GEN, MAX_WORKERS, READY, SPINS } from './control.js';
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
  private started = 0;
  private readonly blocking = canBlock();

  constructor(
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
    private readonly names: readonly string[],
    private readonly local: Readonly<Record<string, Kernel>>,
  ) {}

  /** Threads that can take part in a job now (at most `wanted`), starting missing workers for later jobs. */
  threads(wanted: number): number {
    const workers = Math.min(wanted - 1, MAX_WORKERS);
    while (this.started < workers) {
      const init: WorkerInit = { module: this.module, memory: this.memory, control: this.control, id: this.started, kernels: this.names };
      if (!startWorker(init)) break;
      this.started++;
    }
    let ready = 0;
    while (ready < workers && Atomics.load(this.c, READY + ready) === 1) ready++;
    return 1 + ready;
  }

  /** Starts the workers for `wanted` threads and resolves once they all take part in jobs (or after `timeoutMs`). */
  async warmUp(wanted: number, timeoutMs = 10_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let threads = this.threads(wanted);
    while (threads < Math.min(wanted, this.started + 1) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      threads = this.threads(wanted);
    }
    return threads;
  }

  /** Runs kernel `name` once per thread with that thread's arguments; args[0] runs here. */
  run(name: string, args: readonly (readonly number[])[]): void {
    const fn = this.names.indexOf(name);
    if (fn < 0) throw new Error(`wasm backend: unknown kernel '${name}'`);
    const count = args.length;
    if (count > 1) this.publish(fn, args);
    this.local[name](...args[0]);
    if (count > 1) this.join(name, count - 1);
  }

  private publish(fn: number, args: readonly (readonly number[])[]): void {
    const c = this.c;
    for (let t = 1; t < args.length; t++) {
      if (args[t].length > ARGS_PER_THREAD) throw new Error(`wasm backend: a job takes at most ${ARGS_PER_THREAD} arguments per thread`);
      c.set(args[t], ARGS + t * ARGS_PER_THREAD);
    }
    Atomics.store(c, FN, fn);
    Atomics.store(c, COUNT, args.length);
    Atomics.store(c, DONE, 0);
    Atomics.store(c, FAILED, 0);
    Atomics.add(c, GEN, 1);
    Atomics.notify(c, GEN);
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

import { ARGS, ARGS_PER_THREAD, COUNT, DONE, FAILED, FN, GEN, READY, SLEEPERS, SPIN_MS } from './control.js';

/** What a worker needs: the compiled module, the shared memory, the control block and the names of the kernels. */
export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  id: number;
  kernels: readonly string[];
}

/**
 * The worker's program, as source text so it needs no file of its own: Node runs it with `eval: true`,
 * browsers from a Blob URL. It instantiates the kernels on the shared memory, then loops: wait for a new job,
 * run its share if it is one of the job's threads, count itself done. It polls for SPIN_MS after its last job
 * (or a wake hint) and only then sleeps, counted in SLEEPERS so that the caller notifies only when it must.
 */
export const WORKER_SOURCE = `
'use strict';
function start(init) {
  const c = new Int32Array(init.control);
  const exports = new WebAssembly.Instance(init.module, { env: { memory: init.memory } }).exports;
  const fns = init.kernels.map((name) => exports[name]);
  const thread = init.id + 1;
  const args = new Float64Array(init.control, 4 * ${ARGS}).subarray(thread * ${ARGS_PER_THREAD}, (thread + 1) * ${ARGS_PER_THREAD});
  Atomics.store(c, ${READY} + init.id, 1);
  let last = Atomics.load(c, ${GEN});
  let since = performance.now();
  for (;;) {
    let gen = Atomics.load(c, ${GEN});
    // the clock is read once per 1024 polls: a poll is a few nanoseconds, a clock read far more
    for (let spin = 1; gen === last && ((spin & 1023) !== 0 || performance.now() - since < ${SPIN_MS}); spin++) gen = Atomics.load(c, ${GEN});
    if (gen === last) {
      // counted before the wait, which re-checks GEN: a job published meanwhile is either seen here or notified
      Atomics.add(c, ${SLEEPERS}, 1);
      Atomics.wait(c, ${GEN}, last);
      Atomics.sub(c, ${SLEEPERS}, 1);
      since = performance.now();
      continue;
    }
    const count = Atomics.load(c, ${COUNT});
    const fn = Atomics.load(c, ${FN});
    if (Atomics.load(c, ${GEN}) !== gen) continue;
    last = gen;
    if (thread >= count) continue;
    try {
      fns[fn].apply(null, Array.from(args));
    } catch (e) {
      Atomics.store(c, ${FAILED}, 1);
    }
    Atomics.add(c, ${DONE}, 1);
    Atomics.notify(c, ${DONE});
    since = performance.now();
  }
}
`;

/** How the program receives its WorkerInit: as a message in browsers, as workerData in Node. */
export const BROWSER_ENTRY = 'self.onmessage = (e) => start(e.data);';
// the module name is spliced in so this Node-only line never reads as an import of the browser bundle
export const nodeEntry = (module: string): string => `start(require(${JSON.stringify(module)}).workerData);`;

import { ARGS, ARGS_PER_THREAD, COUNT, DONE, FAILED, FN, GEN, READY, SPINS } from './control.js';

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
 * run its share if it is one of the job's threads, count itself done.
 */
export const WORKER_SOURCE = `
'use strict';
function start(init) {
  const c = new Int32Array(init.control);
  const exports = new WebAssembly.Instance(init.module, { env: { memory: init.memory } }).exports;
  const fns = init.kernels.map((name) => exports[name]);
  const thread = init.id + 1;
  const base = ${ARGS} + thread * ${ARGS_PER_THREAD};
  Atomics.store(c, ${READY} + init.id, 1);
  let last = Atomics.load(c, ${GEN});
  for (;;) {
    let gen = Atomics.load(c, ${GEN});
    for (let spin = 0; gen === last && spin < ${SPINS}; spin++) gen = Atomics.load(c, ${GEN});
    if (gen === last) { Atomics.wait(c, ${GEN}, last); continue; }
    const count = Atomics.load(c, ${COUNT});
    const fn = Atomics.load(c, ${FN});
    if (Atomics.load(c, ${GEN}) !== gen) continue;
    last = gen;
    if (thread >= count) continue;
    try {
      fns[fn].apply(null, Array.from(c.subarray(base, base + ${ARGS_PER_THREAD})));
    } catch (e) {
      Atomics.store(c, ${FAILED}, 1);
    }
    Atomics.add(c, ${DONE}, 1);
    Atomics.notify(c, ${DONE});
  }
}
`;

/** How the program receives its WorkerInit: as a message in browsers, as workerData in Node. */
export const BROWSER_ENTRY = 'self.onmessage = (e) => start(e.data);';
// the module name is spliced in so this Node-only line never reads as an import of the browser bundle
export const nodeEntry = (module: string): string => `start(require(${JSON.stringify(module)}).workerData);`;

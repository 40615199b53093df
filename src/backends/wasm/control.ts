/**
 * Layout of the control block the main thread and the workers share (an Int32Array over a SharedArrayBuffer).
 * A job is published by writing FN, COUNT and each thread's arguments, then bumping GEN; workers read it as a
 * seqlock (GEN before and after) so a worker that wakes late never runs a job it is not part of.
 */
export const GEN = 0;
export const DONE = 1;
export const FN = 2;
export const COUNT = 3;
export const FAILED = 4;
export const MAX_WORKERS = 64;
/** READY + w is 1 once worker w has instantiated the module and waits for work. */
export const READY = 8;
export const ARGS = READY + MAX_WORKERS;
/** i32 arguments per thread per job: enough for the widest kernel (gemmBatch takes 17). */
export const ARGS_PER_THREAD = 24;
export const CONTROL_INTS = ARGS + (MAX_WORKERS + 1) * ARGS_PER_THREAD;
/** Polls before a waiting thread sleeps in Atomics.wait: short jobs follow each other faster than a futex wake. */
export const SPINS = 20000;

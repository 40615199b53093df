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
/** Workers asleep in Atomics.wait: a job or a wake hint notifies only when some are, so a hot hand-off makes no futex call. */
export const SLEEPERS = 5;
export const MAX_WORKERS = 64;
/** READY + w is 1 once worker w has instantiated the module and waits for work. */
export const READY = 8;
/**
 * The jobs' arguments start at int ARGS, read as float64 (ARGS is even, so 8-byte aligned): every i32 argument
 * and the activations' f32 parameter pass exactly.
 */
export const ARGS = READY + MAX_WORKERS;
/** Arguments per thread per job: enough for the widest kernel (gemmBatch takes 17). */
export const ARGS_PER_THREAD = 24;
export const CONTROL_INTS = ARGS + 2 * (MAX_WORKERS + 1) * ARGS_PER_THREAD;
/** Polls before the calling thread sleeps in Atomics.wait while workers finish their shares. */
export const SPINS = 20000;
/**
 * Milliseconds a worker keeps polling for the next job after its last one (or a wake hint) before it sleeps.
 * Short on purpose: on 2 cores the second one also runs V8's garbage-collection helpers, which a polling worker
 * slows (2 ms made LeNet-5 training slower, measured). Kernels that will split wake sleeping workers before
 * copying their operands in (ThreadPool.wake), which hides most of a wake-up (30-60 µs measured here, against
 * 2-6 µs for a polling worker); the jobs of one kernel (im2col then GEMM, padding then Winograd) come sooner.
 */
export const SPIN_MS = 0.25;

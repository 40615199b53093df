/** The process entry of `convkit`: Ctrl-C stops training after the current batch (a second one exits at once). */
import { main } from './main.js';

const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) {
    process.stderr.write('\nsecond Ctrl-C: quitting now without saving this batch (the last complete checkpoint is kept)\n');
    process.exit(130);
  }
  process.stderr.write('\nstopping after this batch and saving a checkpoint (Ctrl-C again to quit now)\n');
  controller.abort();
});
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, signal: controller.signal });

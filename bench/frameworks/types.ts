import type { Step } from '../measure.js';

/**
 * One framework as the benchmark drives it: `prepare` builds the inputs and model of a workload for a thread
 * count and returns the step to time, or the reason it cannot run that workload.
 */
export interface Framework {
  prepare(workload: string, threads: number): Promise<Step<any> | string>;
}

/** Where bench/setup.sh installs the peer frameworks and writes their models. */
export const PEERS = new URL('../peers/', import.meta.url);
export const FASHION_MNIST = '/usr/share/datasets/fashion-mnist/';

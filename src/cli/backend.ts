import { backendNames, ready, setBackend } from '../backends/registry.js';
import { UsageError } from './args.js';

/** Switches to the named backend (initialising a lazily registered one), or keeps the current one. */
export async function selectBackend(name: string | undefined): Promise<void> {
  if (name === undefined) return;
  if (!backendNames().includes(name)) throw new UsageError(`unknown backend '${name}'; available: ${backendNames().join(', ')}`);
  await ready(name);
  setBackend(name);
}

/**
 * Prints convkit's runtime public surface as JSON: every name `import * as ck from 'convkit'` exports (with the
 * names inside its namespaces, `nn.Conv2d`) and every Tensor method and property. test/core/api-surface.test.ts
 * checks the committed copy (test/fixtures/api-surface.json) so that a refactor cannot drop a name.
 * Usage: node --import tsx tools/api-surface.ts [path/to/src/index.ts] > test/fixtures/api-surface.json
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

export interface ApiSurface {
  exports: string[];
  tensor: string[];
}

const isNamespace = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.prototype.toString.call(v) === '[object Module]';

/** The exported names of `ck`, namespaces' members as `ns.name`, and the names on Tensor's prototype chain. */
export function apiSurface(ck: Record<string, unknown>): ApiSurface {
  const exports: string[] = [];
  const visit = (ns: Record<string, unknown>, prefix: string): void => {
    for (const [name, value] of Object.entries(ns)) {
      exports.push(prefix + name);
      if (isNamespace(value)) visit(value, `${prefix}${name}.`);
    }
  };
  visit(ck, '');
  const tensor = new Set<string>();
  const Tensor = ck.Tensor as { prototype: object };
  for (let p: object | null = Tensor.prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const key of Object.getOwnPropertyNames(p)) if (key !== 'constructor') tensor.add(key);
  }
  return { exports: exports.sort(), tensor: [...tensor].sort() };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const entry = resolve(process.argv[2] ?? 'src/index.ts');
  const ck = (await import(pathToFileURL(entry).href)) as Record<string, unknown>;
  process.stdout.write(`${JSON.stringify(apiSurface(ck), null, 1)}\n`);
}

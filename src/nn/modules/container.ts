/** Containers: Sequential (a pipeline), ModuleList and ModuleDict (registered collections without a forward). */
import type { Tensor } from '../../core/tensor.js';
import { Module } from '../module.js';

function checkModule(m: unknown, op: string): Module {
  if (!(m instanceof Module)) throw new TypeError(`${op}: expected a Module, got ${m === null ? 'null' : typeof m}`);
  return m;
}

/** Python-style index into a list of n: negative counts from the end. */
function listIndex(i: number, n: number, op: string): number {
  if (!Number.isInteger(i) || i < -n || i >= n) throw new RangeError(`${op}: index ${i} is out of range for ${n} modules`);
  return i < 0 ? i + n : i;
}

/** Children numbered '0', '1', ... in order (what ModuleList and Sequential keep). */
abstract class NumberedModules extends Module {
  get length(): number {
    return this._modules.size;
  }

  /** The module at position i (negative counts from the end), like seq[i] in PyTorch. */
  at(i: number): Module {
    return [...this._modules.values()][listIndex(i, this.length, `${this.constructor.name}.at`)] as Module;
  }

  /** Replaces the module at position i (negative counts from the end), like seq[i] = layer in PyTorch. */
  set(i: number, module: Module): this {
    const op = `${this.constructor.name}.set`;
    const key = [...this._modules.keys()][listIndex(i, this.length, op)];
    this.registerModule(key, checkModule(module, op));
    return this;
  }

  append(module: Module): this {
    this.registerModule(String(this.length), checkModule(module, `${this.constructor.name}.append`));
    return this;
  }

  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  [Symbol.iterator](): Iterator<Module> {
    return ([...this._modules.values()] as Module[])[Symbol.iterator]();
  }

  /** Re-registers `list` as '0'..'n-1' (after an insertion or removal). */
  protected renumber(list: readonly Module[]): void {
    for (const k of this._modules.keys()) delete (this as unknown as Record<string, unknown>)[k];
    this._modules.clear();
    list.forEach((m, i) => this.registerModule(String(i), m));
  }
}

/**
 * Runs its modules one after another: `new Sequential(conv, relu, pool)`, or with names,
 * `new Sequential({ conv1: ..., relu1: ... })` or `new Sequential(new Map([['conv1', ...], ...]))`
 * (PyTorch's OrderedDict form).
 */
export class Sequential extends NumberedModules {
  constructor(...modules: Module[] | [Record<string, Module>] | [ReadonlyMap<string, Module>]) {
    super();
    const [first] = modules;
    if (modules.length === 1 && first instanceof Map) {
      for (const [name, m] of first) this.registerModule(name, checkModule(m, 'Sequential'));
    } else if (modules.length === 1 && !(first instanceof Module) && typeof first === 'object' && first !== null) {
      for (const [name, m] of Object.entries(first)) this.registerModule(name, checkModule(m, 'Sequential'));
    } else {
      for (const m of modules) this.append(checkModule(m, 'Sequential'));
    }
  }

  /** Appends under the next free number (named Sequentials may already use other keys). */
  override append(module: Module): this {
    let i = this.length;
    while (this._modules.has(String(i))) i++;
    this.registerModule(String(i), checkModule(module, 'Sequential.append'));
    return this;
  }

  /** Feeds x through each module in order. */
  forward(x: Tensor): Tensor {
    let out: unknown = x;
    for (const m of this) out = m.call(out);
    return out as Tensor;
  }
}

/** A list of registered modules (their parameters are found by parameters()); it has no forward of its own. */
export class ModuleList extends NumberedModules {
  constructor(modules: Iterable<Module> = []) {
    super();
    this.extend(modules);
  }

  insert(index: number, module: Module): this {
    const list = [...this];
    const n = list.length;
    const i = index < 0 ? Math.max(0, index + n) : Math.min(index, n);
    list.splice(i, 0, checkModule(module, 'ModuleList.insert'));
    this.renumber(list);
    return this;
  }

  /** Removes and returns the module at index (default the last). */
  pop(index = -1): Module {
    const list = [...this];
    const [m] = list.splice(listIndex(index, list.length, 'ModuleList.pop'), 1);
    this.renumber(list);
    return m;
  }

  forward(): never {
    throw new Error('ModuleList has no forward(): iterate over it and call each module');
  }
}

/** Registered modules by name, in insertion order. */
export class ModuleDict extends Module {
  constructor(modules: Record<string, Module> | Iterable<[string, Module]> = {}) {
    super();
    this.update(modules);
  }

  get size(): number {
    return this._modules.size;
  }

  get(key: string): Module {
    const m = this._modules.get(key);
    if (!m) throw new RangeError(`ModuleDict: no module named ${JSON.stringify(key)} (keys: ${[...this._modules.keys()].join(', ')})`);
    return m;
  }

  set(key: string, module: Module): this {
    this.registerModule(key, checkModule(module, 'ModuleDict.set'));
    return this;
  }

  has(key: string): boolean {
    return this._modules.has(key);
  }

  /** Removes and returns the module under key. */
  pop(key: string): Module {
    const m = this.get(key);
    this._modules.delete(key);
    if (Object.getOwnPropertyDescriptor(this, key)?.get) delete (this as unknown as Record<string, unknown>)[key];
    return m;
  }

  update(modules: Record<string, Module> | Iterable<[string, Module]>): this {
    const entries = Symbol.iterator in modules ? [...(modules as Iterable<[string, Module]>)] : Object.entries(modules);
    for (const [k, m] of entries) this.set(k, m);
    return this;
  }

  keys(): string[] {
    return [...this._modules.keys()];
  }

  values(): Module[] {
    return [...this._modules.values()] as Module[];
  }

  entries(): [string, Module][] {
    return [...this._modules.entries()] as [string, Module][];
  }

  forward(): never {
    throw new Error('ModuleDict has no forward(): call its modules by key');
  }
}

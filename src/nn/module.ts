import { noGrad } from '../core/autograd.js';
import { DTYPES, isFloating, type DType } from '../core/dtype.js';
import { keep } from '../core/memory.js';
import { fmt, shapesEqual } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { detach, to } from '../ops/views.js';
import { runWithBackwardHooks, type FullBackwardHook } from './backward-hooks.js';
import { addHook, runHooked, runPreHooks, type ForwardHook, type ForwardPreHook, type RemovableHandle } from './hooks.js';

const NO_HOOKS: ReadonlyMap<number, ForwardPreHook> = new Map();
import { Parameter, setParameterData } from './parameter.js';

export type StateDict = Record<string, Tensor>;

export interface LoadStateDictOptions {
  strict?: boolean;
}

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/**
 * The base of every layer and model, as torch.nn.Module. Parameters and sub-modules are registered by
 * assigning them to properties (`this.conv1 = new Conv2d(...)`), in assignment order, like PyTorch's
 * __setattr__; buffers (running statistics) are registered with `registerBuffer` because they are plain
 * tensors. Names starting with `_` register too, as in PyTorch (`self._head = nn.Linear(...)` is `_head.weight`);
 * a buffer is readable and assignable as a property (`bn.running_mean`), as in PyTorch.
 */
export abstract class Module {
  training = true;
  private readonly _buffers = new Map<string, { tensor: Tensor | null; persistent: boolean }>();
  /** Children registered by name (containers whose children are numbered, or names that are not identifiers). */
  protected readonly _modules = new Map<string, Module | null>();

  readonly #forwardPreHooks = new Map<number, ForwardPreHook>();
  readonly #forwardHooks = new Map<number, ForwardHook>();
  readonly #backwardHooks = new Map<number, FullBackwardHook>();

  abstract forward(...inputs: unknown[]): unknown;

  /**
   * Runs the module as PyTorch's `module(x)` does: forward pre-hooks, `forward`, forward hooks. `forward` stays
   * callable directly (without hooks), and every built-in module runs its children through `call`.
   */
  call<M extends Module>(this: M, ...inputs: Parameters<M['forward']>): ReturnType<M['forward']> {
    if (!this.hasForwardHooks()) return this.forward(...inputs) as ReturnType<M['forward']>;
    if (this.#backwardHooks.size === 0) return runHooked(this, this.#forwardPreHooks, this.#forwardHooks, inputs) as ReturnType<M['forward']>;
    // as PyTorch: pre-hooks first, then the inputs the backward hooks watch, forward and its hooks, then the outputs
    const args = runPreHooks(this, this.#forwardPreHooks, inputs);
    return runWithBackwardHooks(this, this.#backwardHooks, args, (a) => runHooked(this, NO_HOOKS, this.#forwardHooks, a)) as ReturnType<M['forward']>;
  }

  /**
   * `hook(module, gradInput, gradOutput)` runs during backward once the gradients with respect to the module's
   * tensor inputs are known (null for inputs without one); returning an array replaces gradInput. As
   * torch's register_full_backward_hook; it fires for calls through `call`.
   */
  registerFullBackwardHook<M extends Module>(this: M, hook: FullBackwardHook<M>): RemovableHandle {
    return addHook(this.#backwardHooks, hook as FullBackwardHook, 'registerFullBackwardHook');
  }

  /** `hook(module, inputs)` runs before every `call`; returning a value replaces the inputs (an array: the argument list). */
  registerForwardPreHook<M extends Module>(this: M, hook: ForwardPreHook<M>): RemovableHandle {
    return addHook(this.#forwardPreHooks, hook as ForwardPreHook, 'registerForwardPreHook');
  }

  /** `hook(module, inputs, output)` runs after every `call`; returning a value replaces the output. */
  registerForwardHook<M extends Module>(this: M, hook: ForwardHook<M>): RemovableHandle {
    return addHook(this.#forwardHooks, hook as ForwardHook, 'registerForwardHook');
  }

  /** True while a hook (forward, pre-forward or full backward) is registered here: fused paths must then run the module itself. */
  hasForwardHooks(): boolean {
    return this.#forwardPreHooks.size > 0 || this.#forwardHooks.size > 0 || this.#backwardHooks.size > 0;
  }

  /** Registers a child under any name (`'0'`, `'Mixed_5b'`); also reachable as a property when the name allows. */
  registerModule(name: string, module: Module | null): void {
    this.checkName(name, 'registerModule');
    if (module !== null && !(module instanceof Module)) throw new TypeError(`registerModule: ${JSON.stringify(name)} must be a Module or null, got ${typeof module}`);
    this._modules.set(name, module);
    // a non-enumerable accessor, so property enumeration (registration by assignment) does not list it twice;
    // names that already mean something on the module (methods such as 'train') are left alone
    if (!(name in this)) {
      Object.defineProperty(this, name, {
        get: () => this._modules.get(name) ?? null,
        set: (m: Module | null) => this.registerModule(name, m),
        enumerable: false,
        configurable: true,
      });
    }
  }

  /** Registers a tensor that is state but not a parameter (running mean/variance, counters). */
  registerBuffer(name: string, tensor: Tensor | null, opts: { persistent?: boolean } = {}): void {
    this.checkName(name, 'registerBuffer');
    this._buffers.set(name, { tensor: tensor && keep(tensor), persistent: opts.persistent ?? true });
    // an accessor, non-enumerable for the same reason as registerModule's; getters such as runningMean stay as they are
    if (!(name in this)) {
      Object.defineProperty(this, name, {
        get: () => this.getBuffer(name),
        set: (t: Tensor | null) => {
          if (t !== null && !(t instanceof Tensor)) throw new TypeError(`${this.constructor.name}: buffer '${name}' must be a Tensor or null, got ${typeof t}`);
          this.setBuffer(name, t);
        },
        enumerable: false,
        configurable: true,
      });
    }
  }

  getBuffer(name: string): Tensor | null {
    const b = this._buffers.get(name);
    if (!b) throw new Error(`${this.constructor.name}: no buffer named '${name}'`);
    return b.tensor;
  }

  setBuffer(name: string, tensor: Tensor | null): void {
    const b = this._buffers.get(name);
    if (!b) throw new Error(`${this.constructor.name}: no buffer named '${name}'`);
    b.tensor = tensor && keep(tensor);
  }

  private checkName(name: string, op: string): void {
    if (typeof name !== 'string' || name === '' || name.includes('.')) {
      throw new Error(`${op}: invalid name ${JSON.stringify(name)} (non-empty, without '.')`);
    }
  }

  /** Own enumerable properties: where assigned parameters and modules are found (the bookkeeping maps hold neither). */
  private ownEntries(): [string, unknown][] {
    return Object.entries(this);
  }

  namedParametersOwn(): [string, Parameter | null][] {
    return this.ownEntries().filter((e): e is [string, Parameter] => e[1] instanceof Parameter);
  }

  namedChildren(): [string, Module][] {
    const out: [string, Module][] = [];
    for (const [k, m] of this._modules) if (m) out.push([k, m]);
    for (const [k, v] of this.ownEntries()) if (v instanceof Module && !this._modules.has(k)) out.push([k, v]);
    return out;
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every descendant, depth first, each once, with dotted names ('' for this one). */
  namedModules(prefix = ''): [string, Module][] {
    const seen = new Set<Module>();
    const out: [string, Module][] = [];
    const visit = (m: Module, name: string): void => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([name, m]);
      for (const [k, c] of m.namedChildren()) visit(c, name ? `${name}.${k}` : k);
    };
    visit(this, prefix);
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Every parameter with its dotted name, each tensor once (shared parameters appear under their first name). */
  namedParameters(): [string, Parameter][] {
    const seen = new Set<Parameter>();
    const out: [string, Parameter][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [k, p] of m.namedParametersOwn()) {
        if (!p || seen.has(p)) continue;
        seen.add(p);
        out.push([prefix ? `${prefix}.${k}` : k, p]);
      }
    }
    return out;
  }

  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [prefix, m] of this.namedModules()) {
      for (const [k, b] of m._buffers) if (b.tensor) out.push([prefix ? `${prefix}.${k}` : k, b.tensor]);
    }
    return out;
  }

  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  /** Calls fn on every descendant and then on this module, as torch's apply. */
  apply(fn: (m: Module) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }

  /** Clears every parameter's gradient (sets it to null, torch's default set_to_none=True). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Sets training mode here and below (Dropout and BatchNorm behave differently in eval mode). */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Freezes (false) or unfreezes every parameter, for transfer learning. */
  requiresGrad_(flag = true): this {
    for (const p of this.parameters()) p.requiresGrad = flag;
    return this;
  }

  /**
   * Parameters, then persistent buffers, module by module in registration order: torch's state_dict keys.
   * Parameters come detached (sharing their storage), as torch's do.
   */
  stateDict(): StateDict {
    const out: StateDict = {};
    // like torch's state_dict this walks children without de-duplication: a shared module appears under each name
    const visit = (m: Module, prefix: string): void => {
      for (const [k, p] of m.namedParametersOwn()) if (p) out[prefix + k] = detach(p);
      for (const [k, b] of m._buffers) if (b.tensor && b.persistent) out[prefix + k] = b.tensor;
      for (const [k, c] of m.namedChildren()) visit(c, `${prefix}${k}.`);
    };
    visit(this, '');
    return out;
  }

  /**
   * Copies values from `state` into this module's parameters and buffers. With strict (the default) every
   * missing, unexpected and mis-shaped key is reported in one error and nothing is modified.
   */
  loadStateDict(state: StateDict, opts: LoadStateDictOptions = {}): LoadStateDictResult {
    const strict = opts.strict ?? true;
    const own = this.stateDict();
    for (const [k, v] of Object.entries(state)) {
      if (!(v instanceof Tensor)) throw new TypeError(`loadStateDict: expected a Tensor for '${k}', got ${v === null ? 'null' : typeof v}`);
    }
    const missingKeys = Object.keys(own).filter((k) => !Object.hasOwn(state, k));
    const unexpectedKeys = Object.keys(state).filter((k) => !Object.hasOwn(own, k));
    const misShaped = Object.keys(own)
      .filter((k) => Object.hasOwn(state, k) && !shapesEqual(own[k].shape, state[k].shape))
      .map((k) => `${k}: expected ${fmt(own[k].shape)}, got ${fmt(state[k].shape)}`);
    const problems = [
      ...(misShaped.length ? [`size mismatch for ${misShaped.join('; ')}`] : []),
      ...(strict && missingKeys.length ? [`missing keys: ${missingKeys.join(', ')}`] : []),
      ...(strict && unexpectedKeys.length ? [`unexpected keys: ${unexpectedKeys.join(', ')}`] : []),
    ];
    if (problems.length) throw new Error(`loadStateDict: error(s) in loading state dict for ${this.constructor.name}: ${problems.join('. ')}`);
    noGrad(() => {
      // a file's tensors arrive on the host device: each moves to where its parameter lives
      for (const [k, t] of Object.entries(own)) if (Object.hasOwn(state, k)) t.copy_(state[k].to(t.device));
    });
    return { missingKeys, unexpectedKeys };
  }

  /**
   * Converts floating parameters (and their gradients) and buffers to `dtype` (float64 for gradient checks), or
   * moves all of them to a device (`model.to('webgpu')`), in place. Parameters keep their identity, as in
   * PyTorch, so optimizers built earlier still update them; buffers are replaced.
   */
  to(target: DType | string): this {
    if (typeof target !== 'string') throw new TypeError(`Module.to: expected a floating point dtype (float32 or float64) or a device name, got ${typeof target}`);
    const isDType = (DTYPES as readonly string[]).includes(target);
    if (isDType && !isFloating(target as DType)) throw new TypeError(`Module.to: expected a floating point dtype (float32 or float64), got ${target}`);
    const convert = (t: Tensor): Tensor => keep(isDType ? (isFloating(t.dtype) ? noGrad(() => to(t, target)) : t) : noGrad(() => to(t, target)));
    for (const m of this.modules()) {
      for (const [, p] of m.namedParametersOwn()) {
        if (!p) continue;
        setParameterData(p, convert(p));
        if (p.grad) p.grad = convert(p.grad);
      }
      for (const b of m._buffers.values()) if (b.tensor) b.tensor = convert(b.tensor);
    }
    return this;
  }

  double(): this {
    return this.to('float64');
  }

  float(): this {
    return this.to('float32');
  }

  /** Extra text inside this module's parentheses when printed (layer sizes, options). */
  extraRepr(): string {
    return '';
  }

  /** The module tree, printed like PyTorch's repr. */
  toString(): string {
    const children = this.namedChildren();
    const extra = this.extraRepr();
    if (children.length === 0) return `${this.constructor.name}(${extra})`;
    const lines = extra ? extra.split('\n') : [];
    for (const [k, c] of children) lines.push(`(${k}): ${c.toString().split('\n').join('\n  ')}`);
    return `${this.constructor.name}(\n  ${lines.join('\n  ')}\n)`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

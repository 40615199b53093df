/**
 * torch.einsum from views, mul, sum and matmul: repeated labels in one operand take the diagonal, then the
 * operands are contracted pairwise, left to right, each pair by one batched matmul when the sizes agree
 * (a broadcast product and a sum otherwise). Gradients come from those ops.
 */
import { describeValue, is, parseArgs, signature, withSignature } from '../core/args.js';
import { fmt } from '../core/shape.js';
import { Tensor } from '../core/tensor.js';
import { eye } from './creation.js';
import { mul } from './elementwise.js';
import { matmul } from './matmul.js';
import { sum } from './reduce.js';
import { permute, reshape, unsqueeze } from './views.js';

/** An operand with one label per dim (ellipsis dims get labels '0', '1', ... from the right). */
interface Labelled {
  t: Tensor;
  labels: string[];
}

function fail(msg: string): never {
  throw new RangeError(`einsum: ${msg}`);
}

function parseTerm(term: string, rank: number, ellipsisRank: number): string[] {
  const parts = term.split('...');
  if (parts.length > 2) fail(`more than one ellipsis in '${term}'`);
  for (const c of parts.join('')) if (!/[a-zA-Z]/.test(c)) fail(`invalid subscript '${c}' in '${term}' (letters and '...' only)`);
  if (parts.length === 1) {
    if (term.length !== rank && rank >= 0) fail(`the subscripts '${term}' name ${term.length} dims but the operand has ${rank}`);
    return [...term];
  }
  const named = parts[0].length + parts[1].length;
  const n = rank >= 0 ? rank - named : ellipsisRank;
  if (n < 0) fail(`the subscripts '${term}' name more dims than the operand's ${rank}`);
  const ell = Array.from({ length: n }, (_, i) => String(ellipsisRank - n + i));
  return [...parts[0], ...ell, ...parts[1]];
}

/** The diagonal over every repeated label: x·eye over the pair of dims, summed over the second. */
function takeDiagonals(op: Labelled): Labelled {
  let { t, labels } = op;
  for (;;) {
    const j = labels.findIndex((l, k) => labels.indexOf(l) !== k);
    if (j < 0) return { t, labels };
    const i = labels.indexOf(labels[j]);
    const n = t.shape[i];
    if (t.shape[j] !== n) fail(`label '${labels[i]}' repeats with sizes ${t.shape[i]} and ${t.shape[j]}`);
    const mask = reshape(eye(n, n, { dtype: t.dtype }), t.shape.map((s, k) => (k === i || k === j ? s : 1)));
    t = sum(mul(t, mask), j);
    labels = labels.filter((_, k) => k !== j);
  }
}

/** Sums away labels that no later operand and not the output needs. */
function sumUnneeded(op: Labelled, keep: Set<string>): Labelled {
  const drop = op.labels.map((l, i) => (keep.has(l) ? -1 : i)).filter((i) => i >= 0);
  if (drop.length === 0) return op;
  return { t: sum(op.t, drop), labels: op.labels.filter((l) => keep.has(l)) };
}

function sizeOf(op: Labelled, l: string): number {
  return op.t.shape[op.labels.indexOf(l)];
}

/** a and b contracted over their shared labels that `keep` does not need; the result lists batch, a-only, b-only labels. */
function contract(a: Labelled, b: Labelled, keep: Set<string>): Labelled {
  const shared = a.labels.filter((l) => b.labels.includes(l));
  const batch = shared.filter((l) => keep.has(l));
  const inner = shared.filter((l) => !keep.has(l));
  const left = a.labels.filter((l) => !shared.includes(l));
  const right = b.labels.filter((l) => !shared.includes(l));
  const sameSizes = shared.every((l) => sizeOf(a, l) === sizeOf(b, l));
  const labels = [...batch, ...left, ...right];
  if (!sameSizes) return broadcastProduct(a, b, labels, inner);
  const size = (op: Labelled, ls: string[]): number => ls.reduce((p, l) => p * sizeOf(op, l), 1);
  const order = (op: Labelled, ls: string[]): number[] => ls.map((l) => op.labels.indexOf(l));
  const a3 = reshape(permute(a.t, order(a, [...batch, ...left, ...inner])), [size(a, batch), size(a, left), size(a, inner)]);
  const b3 = reshape(permute(b.t, order(b, [...batch, ...inner, ...right])), [size(b, batch), size(b, inner), size(b, right)]);
  const shape = [...batch.map((l) => sizeOf(a, l)), ...left.map((l) => sizeOf(a, l)), ...right.map((l) => sizeOf(b, l))];
  return { t: reshape(matmul(a3, b3), shape), labels };
}

/** Where a shared label has size 1 on one side (ellipsis broadcasting): multiply with broadcasting, then sum. */
function broadcastProduct(a: Labelled, b: Labelled, labels: string[], inner: string[]): Labelled {
  const all = [...labels, ...inner];
  const align = (op: Labelled): Tensor => {
    const present = all.filter((l) => op.labels.includes(l));
    let t = permute(op.t, present.map((l) => op.labels.indexOf(l)));
    all.forEach((l, i) => {
      if (!op.labels.includes(l)) t = unsqueeze(t, i);
    });
    return t;
  };
  const prod = mul(align(a), align(b));
  const out = inner.length ? sum(prod, inner.map((_, i) => labels.length + i)) : prod;
  return { t: out, labels };
}

const EINSUM = signature('einsum', 'torch.', [['equation', is.string]], [], [], ['operands', is.or(is.tensor, is.arrayOf(is.tensor))]);

/**
 * torch.einsum('ij,jk->ik', a, b) (operands as arguments or one array). Without '->' the output is every label
 * used once, in alphabetical order, after the ellipsis dims, as in PyTorch.
 */
export function einsum(equation: string, ...operands: (Tensor | readonly Tensor[])[]): Tensor {
  const v = parseArgs(EINSUM, [equation, ...operands]) as { operands?: (Tensor | readonly Tensor[])[] };
  const given = v.operands ?? [];
  const ts = (given.length === 1 && Array.isArray(given[0]) ? given[0] : given) as Tensor[];
  ts.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new TypeError(`einsum: operand ${i} must be a Tensor, got ${describeValue(t)}`);
  });
  const eq = equation.replace(/\s+/g, '');
  const [lhs, rhs] = eq.includes('->') ? eq.split('->') : [eq, null];
  const terms = lhs.split(',');
  if (terms.length !== ts.length) fail(`the equation '${equation}' has ${terms.length} operand(s) but ${ts.length} tensor(s) were given`);
  const ellipsisRank = Math.max(0, ...terms.map((term, i) => (term.includes('...') ? ts[i].ndim - term.replace('...', '').length : 0)));
  const parsed = terms.map((term, i) => parseTerm(term, ts[i].ndim, ellipsisRank));
  // the implicit output counts labels before diagonals are taken: 'ii' is a trace
  const counts = new Map<string, number>();
  parsed.forEach((labels) => labels.forEach((l) => counts.set(l, (counts.get(l) ?? 0) + 1)));
  const ops = parsed.map((labels, i) => takeDiagonals({ t: ts[i], labels }));
  const ellipsisLabels = Array.from({ length: ellipsisRank }, (_, i) => String(i));
  const output = rhs === null
    ? [...ellipsisLabels, ...[...counts.keys()].filter((l) => counts.get(l) === 1 && !/\d/.test(l)).sort()]
    : parseTerm(rhs, -1, ellipsisRank);
  output.forEach((l) => {
    if (!counts.has(l) && !/\d/.test(l)) fail(`output subscript '${l}' does not appear in the inputs of '${equation}'`);
  });
  if (new Set(output).size !== output.length) fail(`output subscripts repeat in '${equation}'`);
  const needed = (from: number): Set<string> => new Set([...output, ...ops.slice(from).flatMap((o) => o.labels)]);
  let acc = sumUnneeded(ops[0], needed(1));
  for (let i = 1; i < ops.length; i++) {
    const later = needed(i + 1);
    acc = contract(acc, sumUnneeded(ops[i], new Set([...later, ...acc.labels])), later);
  }
  const res = sumUnneeded(acc, new Set(output));
  const missing = output.filter((l) => !res.labels.includes(l));
  if (missing.length > 0) fail(`the output of '${equation}' names dims that no operand has (${fmt(missing.map(Number))})`);
  return permute(res.t, output.map((l) => res.labels.indexOf(l)));
}
withSignature(einsum, EINSUM);

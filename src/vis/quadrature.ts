/** The path integral's nodes α_i and weights w_i on [0, 1], exactly as Captum's approximation_methods. */

export const IG_METHODS = ['riemann_trapezoid', 'riemann_left', 'riemann_right', 'riemann_middle', 'gausslegendre'] as const;
export type IgMethod = (typeof IG_METHODS)[number];

const linspace = (a: number, b: number, n: number): number[] => Array.from({ length: n }, (_, i) => (n === 1 ? a : a + ((b - a) * i) / (n - 1)));

/** Gauss-Legendre nodes and weights on [−1, 1]: Newton's method on P_n from Chebyshev starting points. */
export function legendreGauss(n: number): { nodes: number[]; weights: number[] } {
  const nodes: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < n; i++) {
    let x = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      // P_n(x) and P_n'(x) by the three-term recurrence
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= n; k++) [p0, p1] = [p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k];
      const pn = n === 1 ? x : p1;
      const pm = n === 1 ? 1 : p0;
      dp = (n * (x * pn - pm)) / (x * x - 1);
      const dx = pn / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-15) break;
    }
    nodes.push(x);
    weights.push(2 / ((1 - x * x) * dp * dp));
  }
  // ascending, as numpy's leggauss
  const order = nodes.map((_, i) => i).sort((a, b) => nodes[a] - nodes[b]);
  return { nodes: order.map((i) => nodes[i]), weights: order.map((i) => weights[i]) };
}

/** [alphas, step sizes] for `n` steps. Captum's trapezoid weights are 1/n with halved ends (they sum to (n−1)/n). */
export function quadrature(method: IgMethod, n: number): [number[], number[]] {
  if (method === 'gausslegendre') {
    const { nodes, weights } = legendreGauss(n);
    return [nodes.map((x) => 0.5 * (1 + x)), weights.map((w) => 0.5 * w)];
  }
  const deltas = new Array<number>(n).fill(1 / n);
  if (method === 'riemann_trapezoid') {
    deltas[0] /= 2;
    deltas[n - 1] /= 2;
    return [linspace(0, 1, n), deltas];
  }
  if (method === 'riemann_left') return [linspace(0, 1 - 1 / n, n), deltas];
  if (method === 'riemann_middle') return [linspace(1 / (2 * n), 1 - 1 / (2 * n), n), deltas];
  return [linspace(1 / n, 1, n), deltas];
}

/** Inline SVG charts for the HTML report: line charts, a heat map and a bar chart, no scripts, no CDN. */

export const escapeXml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd'];

/** About five round tick values covering [lo, hi] (1, 2 or 5 times a power of ten apart). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

export interface Series {
  name: string;
  points: [number, number][];
}

export interface LineChartOptions {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** Show the y axis as percentages. */
  percent?: boolean;
  logY?: boolean;
}

const W = 460;
const H = 260;
const M = { left: 66, right: 16, top: 30, bottom: 40 };

export function lineChart(o: LineChartOptions): string {
  const pts = o.series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y) && (!o.logY || y > 0));
  const tf = (y: number): number => (o.logY ? Math.log10(y) : y);
  const xs = pts.map(([x]) => x);
  const ys = pts.map(([, y]) => tf(y));
  const [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  let [y0, y1] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  if (y1 - y0 < 1e-12) [y0, y1] = [y0 - 0.5 * (Math.abs(y0) || 1), y1 + 0.5 * (Math.abs(y1) || 1)];
  const pad = (y1 - y0) * 0.05;
  [y0, y1] = [y0 - pad, y1 + pad];
  const px = (x: number): number => M.left + ((x - x0) / (x1 - x0 || 1)) * (W - M.left - M.right);
  const py = (y: number): number => H - M.bottom - ((tf(y) - y0) / (y1 - y0)) * (H - M.top - M.bottom);
  const yTicks = o.logY ? niceTicks(Math.ceil(y0), Math.floor(y1), 4).filter(Number.isInteger).map((e) => 10 ** e) : niceTicks(y0, y1);
  const xTicks = niceTicks(x0, x1, Math.min(8, Math.max(1, x1 - x0))).filter(Number.isInteger);
  const label = (y: number): string => (o.percent ? `${(y * 100).toFixed(0)}%` : o.logY ? y.toExponential(0) : String(Number(y.toPrecision(3))));
  const parts = [
    `<svg id="${o.id}" class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeXml(o.title)}">`,
    `<text x="${W / 2}" y="18" text-anchor="middle" class="title">${escapeXml(o.title)}</text>`,
    ...yTicks.map((t) => `<line x1="${M.left}" x2="${W - M.right}" y1="${py(t).toFixed(1)}" y2="${py(t).toFixed(1)}" class="grid"/><text x="${M.left - 6}" y="${(py(t) + 4).toFixed(1)}" text-anchor="end">${label(t)}</text>`),
    ...xTicks.map((t) => `<text x="${px(t).toFixed(1)}" y="${H - M.bottom + 16}" text-anchor="middle">${t}</text>`),
    `<line x1="${M.left}" x2="${W - M.right}" y1="${H - M.bottom}" y2="${H - M.bottom}" class="axis"/><line x1="${M.left}" x2="${M.left}" y1="${M.top}" y2="${H - M.bottom}" class="axis"/>`,
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 6}" text-anchor="middle">${escapeXml(o.xLabel)}</text>`,
    `<text transform="translate(12 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(o.yLabel)}</text>`,
  ];
  // the legend takes the right-hand corner away from where the first series ends
  const last = o.series[0]?.points.at(-1);
  const legendTop = last && py(last[1]) < (M.top + H - M.bottom) / 2 ? H - M.bottom - 8 - 16 * o.series.length : M.top + 4;
  o.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const visible = s.points.filter(([, y]) => Number.isFinite(y) && (!o.logY || y > 0));
    if (visible.length === 0) return;
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${visible.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"><title>${escapeXml(s.name)}</title></polyline>`);
    parts.push(...visible.map(([x, y]) => `<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${color}"><title>${escapeXml(s.name)} ${x}: ${label(y)}</title></circle>`));
    parts.push(`<rect x="${W - M.right - 110}" y="${legendTop + i * 16}" width="10" height="10" fill="${color}"/><text x="${W - M.right - 96}" y="${legendTop + 9 + i * 16}">${escapeXml(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** The confusion matrix as a heat map: rows are true classes, columns predictions, shading by row share. */
export function confusionHeatmap(id: string, matrix: number[][], classes: readonly string[]): string {
  const n = matrix.length;
  const cell = Math.max(22, Math.min(40, Math.floor(440 / Math.max(n, 1))));
  const left = 110;
  const top = 100;
  const size = left + n * cell + 10;
  const parts = [`<svg id="${id}" class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${top + n * cell + 30}" width="${size}" height="${top + n * cell + 30}" role="img" aria-label="Confusion matrix">`];
  parts.push(`<text x="${left + (n * cell) / 2}" y="14" text-anchor="middle" class="title">Confusion matrix (rows: true class, columns: predicted)</text>`);
  matrix.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0) || 1;
    parts.push(`<text x="${left - 6}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end">${escapeXml(classes[i] ?? String(i))}</text>`);
    row.forEach((v, j) => {
      const share = v / total;
      const fill = i === j ? `rgba(44,160,44,${(0.15 + 0.85 * share).toFixed(3)})` : `rgba(214,39,40,${(share === 0 ? 0 : 0.1 + 0.9 * share).toFixed(3)})`;
      parts.push(`<rect x="${left + j * cell}" y="${top + i * cell}" width="${cell}" height="${cell}" fill="${fill}" stroke="#ddd"><title>true ${escapeXml(classes[i] ?? String(i))}, predicted ${escapeXml(classes[j] ?? String(j))}: ${v}</title></rect>`);
      if (v > 0) parts.push(`<text x="${left + j * cell + cell / 2}" y="${top + i * cell + cell / 2 + 4}" text-anchor="middle" class="small">${v}</text>`);
    });
  });
  classes.slice(0, n).forEach((c, j) => parts.push(`<text transform="translate(${left + j * cell + cell / 2 + 4} ${top - 6}) rotate(-60)">${escapeXml(c)}</text>`));
  parts.push('</svg>');
  return parts.join('\n');
}

/** Horizontal bars, one per class, for per-class accuracy. */
export function barChart(id: string, title: string, values: readonly number[], labels: readonly string[]): string {
  const row = 20;
  const left = 110;
  const width = 300;
  const height = 30 + values.length * row;
  const parts = [`<svg id="${id}" class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${left + width + 60} ${height}" width="${left + width + 60}" height="${height}" role="img" aria-label="${escapeXml(title)}">`];
  parts.push(`<text x="${left + width / 2}" y="14" text-anchor="middle" class="title">${escapeXml(title)}</text>`);
  values.forEach((v, i) => {
    const y = 24 + i * row;
    const w = Number.isFinite(v) ? v * width : 0;
    parts.push(`<text x="${left - 6}" y="${y + 13}" text-anchor="end">${escapeXml(labels[i] ?? String(i))}</text>`);
    parts.push(`<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${row - 4}" fill="#1f77b4"><title>${escapeXml(labels[i] ?? String(i))}: ${Number.isFinite(v) ? (v * 100).toFixed(1) : '-'}%</title></rect>`);
    parts.push(`<text x="${left + w + 4}" y="${y + 13}">${Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : 'no samples'}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

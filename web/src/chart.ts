/** A small line chart on a canvas: lines for per-step series, dots for sparse ones (test-set evaluations). */
export interface Series {
  points: [number, number][];
  color: string;
  dots?: boolean;
}

export function drawChart(canvas: HTMLCanvasElement, series: readonly Series[], yMin?: number, yMax?: number): void {
  const ctx = canvas.getContext('2d')!;
  const { width: w, height: h } = canvas;
  const pad = 34;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, w, h);
  const all = series.flatMap((s) => s.points);
  if (all.length === 0) return;
  const xMax = Math.max(1, ...all.map((p) => p[0]));
  const lo = yMin ?? Math.min(...all.map((p) => p[1]));
  const hi = yMax ?? Math.max(...all.map((p) => p[1]));
  const span = hi - lo || 1;
  const X = (x: number): number => pad + (x / xMax) * (w - pad - 8);
  const Y = (y: number): number => h - pad + 12 - ((y - lo) / span) * (h - pad - 4);
  ctx.strokeStyle = '#999';
  ctx.fillStyle = '#555';
  ctx.font = '11px sans-serif';
  ctx.beginPath();
  ctx.moveTo(pad, 4);
  ctx.lineTo(pad, h - pad + 12);
  ctx.lineTo(w - 4, h - pad + 12);
  ctx.stroke();
  for (const v of [lo, (lo + hi) / 2, hi]) ctx.fillText(v.toFixed(2), 2, Y(v) + 4);
  ctx.fillText(`step ${xMax}`, w - 60, h - 4);
  for (const s of series) {
    ctx.strokeStyle = ctx.fillStyle = s.color;
    if (s.dots) {
      for (const [x, y] of s.points) ctx.fillRect(X(x) - 3, Y(y) - 3, 6, 6);
      continue;
    }
    ctx.beginPath();
    s.points.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(X(x), Y(y)) : ctx.lineTo(X(x), Y(y))));
    ctx.stroke();
  }
}

/**
 * report.html: one self-contained page (inline CSS, inline SVG, images as data: URIs) with the training
 * curves, learning rate, confusion matrix, per-class accuracy, misclassified test images and the model summary.
 */
import type { EpochRecord } from '../train/history.js';
import { num, pct } from './format.js';
import { barChart, confusionHeatmap, escapeXml, lineChart } from './svg.js';
import { base64, GALLERY_CSS, sectionHtml, type Section } from './gallery.js';

export interface Misclassified {
  /** PNG bytes of the raw test image. */
  png: Uint8Array;
  index: number;
  target: number;
  predicted: number;
  confidence: number;
}

export interface ReportData {
  title: string;
  config: Record<string, string | number | boolean>;
  history: readonly EpochRecord[];
  test: { loss: number; accuracy: number; topk: Record<number, number>; confusionMatrix: number[][]; perClassAccuracy: number[]; count: number };
  classes: readonly string[];
  misclassified: readonly Misclassified[];
  summary: string;
  /** The "Look inside" section: filters beside hand-crafted kernels, feature maps, Grad-CAM of misclassified images. */
  lookInside?: readonly Section[];
}

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#222;padding:0 16px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse}td,th{padding:3px 10px;border-bottom:1px solid #eee;text-align:right}th{background:#f6f6f6}
td:first-child,th:first-child{text-align:left}.charts{display:flex;flex-wrap:wrap;gap:12px}
svg text{font:11px system-ui,sans-serif;fill:#333}svg .title{font-size:13px;font-weight:600}svg .small{font-size:10px}
svg .grid{stroke:#eee}svg .axis{stroke:#888}.grid-images{display:flex;flex-wrap:wrap;gap:10px}
figure{margin:0;text-align:center;font-size:11px;width:96px}figure img{width:84px;height:84px;image-rendering:pixelated;border:1px solid #ccc}
pre{background:#f6f6f6;padding:10px;overflow-x:auto;font-size:12px}.big{font-size:20px;font-weight:600}
h3{font-size:15px;margin-top:18px}${GALLERY_CSS}`;


function epochTable(history: readonly EpochRecord[]): string {
  const rows = history.map((r) => `<tr><td>${r.epoch}</td><td>${num(r.trainLoss)}</td><td>${pct(r.trainAccuracy)}</td><td>${num(r.valLoss)}</td><td>${pct(r.valAccuracy)}</td><td>${r.lr.toPrecision(3)}</td><td>${r.seconds.toFixed(1)}</td><td>${r.imagesPerSecond.toFixed(0)}</td><td>${[r.timing.data, r.timing.forward, r.timing.backward, r.timing.optimizer].map((t) => t.toFixed(1)).join(' / ')}</td></tr>`);
  return `<table><tr><th>epoch</th><th>train loss</th><th>train acc</th><th>val loss</th><th>val acc</th><th>lr</th><th>seconds</th><th>img/s</th><th>data / fwd / bwd / opt (s)</th></tr>${rows.join('')}</table>`;
}

export function renderReport(d: ReportData): string {
  const h = d.history;
  const series = (name: string, key: keyof EpochRecord): { name: string; points: [number, number][] } => ({
    name,
    points: h.filter((r) => typeof r[key] === 'number').map((r) => [r.epoch, r[key] as number]),
  });
  const hasVal = h.some((r) => r.valLoss !== null);
  const lossChart = lineChart({ id: 'loss-chart', title: 'Loss per epoch', xLabel: 'epoch', yLabel: 'loss', series: [series('train', 'trainLoss'), ...(hasVal ? [series('validation', 'valLoss')] : [])] });
  const accChart = lineChart({ id: 'accuracy-chart', title: 'Accuracy per epoch', xLabel: 'epoch', yLabel: 'accuracy', percent: true, series: [series('train', 'trainAccuracy'), ...(hasVal ? [series('validation', 'valAccuracy')] : [])] });
  const lrChart = lineChart({ id: 'lr-chart', title: 'Learning rate', xLabel: 'epoch', yLabel: 'lr', series: [series('lr', 'lr')], logY: h.some((r) => r.lr > 0) && new Set(h.map((r) => r.lr)).size > 1 });
  const config = Object.entries(d.config).map(([k, v]) => `<tr><td>${escapeXml(k)}</td><td>${escapeXml(String(v))}</td></tr>`).join('');
  const topk = Object.entries(d.test.topk).map(([k, v]) => `top-${k} ${pct(v)}`).join(', ');
  const figures = d.misclassified.map((m) => `<figure><img alt="test image ${m.index}" src="data:image/png;base64,${base64(m.png)}"><figcaption>#${m.index}<br>true: ${escapeXml(d.classes[m.target] ?? String(m.target))}<br>predicted: ${escapeXml(d.classes[m.predicted] ?? String(m.predicted))} (${(m.confidence * 100).toFixed(0)}%)</figcaption></figure>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(d.title)}</title><style>${CSS}</style></head>
<body>
<h1>${escapeXml(d.title)}</h1>
<p class="big">Test accuracy ${pct(d.test.accuracy)} &middot; test loss ${num(d.test.loss)}</p>
<p>${d.test.count} test images; ${escapeXml(topk)}.</p>
<h2>Run</h2><table>${config}</table>
<h2>Training curves</h2>
<div class="charts">
${lossChart}
${accChart}
${lrChart}
</div>
<h2>Epochs</h2>${epochTable(h)}
<h2>Confusion matrix</h2>
${confusionHeatmap('confusion-matrix', d.test.confusionMatrix, d.classes)}
<h2>Per-class accuracy</h2>
${barChart('per-class-accuracy', 'Test accuracy per class', d.test.perClassAccuracy, d.classes)}
<h2>Misclassified test images</h2>
<div id="misclassified" class="grid-images">
${figures.join('\n') || '<p>None.</p>'}
</div>
${d.lookInside?.length ? `<h2 id="look-inside">Look inside</h2>\n${d.lookInside.map((sec) => sectionHtml(sec)).join('\n')}\n` : ''}<h2>Model</h2>
<pre id="model-summary">${escapeXml(d.summary)}</pre>
</body></html>
`;
}

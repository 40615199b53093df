/** The report's SVG charts and page, from hand-made inputs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barChart, confusionHeatmap, escapeXml, lineChart, niceTicks } from '../../src/cli/svg.js';
import { renderReport } from '../../src/cli/report.js';
import type { EpochRecord } from '../../src/train/history.js';

test('niceTicks: steps of 1, 2 or 5 times a power of ten covering the range', () => {
  assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  // range 0.57 / 5 = 0.114: the smallest of 0.1, 0.2, 0.5 at least that is 0.2
  assert.deepEqual(niceTicks(0.31, 0.88), [0.4, 0.6, 0.8]);
  assert.deepEqual(niceTicks(1, 10), [2, 4, 6, 8, 10]);
  assert.deepEqual(niceTicks(3, 3), [3]);
});

test('lineChart draws one polyline per series through its points, scaled into the plot', () => {
  const svg = lineChart({ id: 'c', title: 'T <1>', xLabel: 'epoch', yLabel: 'loss', series: [{ name: 'train', points: [[1, 2], [2, 1], [3, 0.5]] }, { name: 'val', points: [[1, 2.5], [2, 1.5]] }] });
  const lines = [...svg.matchAll(/<polyline[^>]*points="([^"]+)"/g)].map((m) => m[1].split(' ').map((p) => p.split(',').map(Number)));
  assert.equal(lines.length, 2);
  assert.equal(lines[0].length, 3);
  assert.equal(lines[1].length, 2);
  // larger losses are higher on the page (smaller y), later epochs further right
  assert.ok(lines[0][0][1] < lines[0][2][1] && lines[0][0][0] < lines[0][2][0]);
  assert.match(svg, /T &lt;1&gt;/);
  assert.equal(escapeXml(`a&b"'`), 'a&amp;b&quot;&#39;');
});

test('confusionHeatmap has a cell per pair with its count; barChart a bar per class', () => {
  const svg = confusionHeatmap('m', [[5, 1], [0, 4]], ['cat', 'dog']);
  assert.equal(svg.match(/<rect/g)?.length, 4);
  assert.match(svg, /true cat, predicted dog: 1/);
  const bars = barChart('b', 'Acc', [0.5, NaN], ['cat', 'dog']);
  assert.match(bars, /cat: 50\.0%/);
  assert.match(bars, /no samples/);
});

test('renderReport puts every section in one page without external resources', () => {
  const epoch = (e: number, lr: number): EpochRecord => ({ epoch: e, trainLoss: 1 / e, trainAccuracy: 0.5 + e / 10, valLoss: 1.2 / e, valAccuracy: 0.4 + e / 10, lr, seconds: 2, imagesPerSecond: 100, timing: { data: 0.1, forward: 0.5, backward: 1, optimizer: 0.3 }, metrics: {} });
  const html = renderReport({
    title: 'lenet5 on test',
    config: { model: 'lenet5' },
    history: [epoch(1, 0.1), epoch(2, 0.01)],
    test: { loss: 0.5, accuracy: 0.75, topk: { 1: 0.75, 5: 1 }, confusionMatrix: [[3, 1], [0, 4]], perClassAccuracy: [0.75, 1], count: 8 },
    classes: ['a', 'b'],
    misclassified: [{ png: Uint8Array.of(137, 80, 78, 71), index: 3, target: 0, predicted: 1, confidence: 0.6 }],
    summary: 'LeNet5 <table>',
  });
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /Test accuracy 75\.00%/);
  assert.match(html, /src="data:image\/png;base64,iVBORw=="/);
  assert.match(html, /true: a<br>predicted: b \(60%\)/);
  assert.match(html, /<pre id="model-summary">LeNet5 &lt;table&gt;<\/pre>/);
  assert.doesNotMatch(html, /<script|<link|src="http/);
});

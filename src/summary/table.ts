/** The torchinfo-style text table of a summary. */
import type { Summary, SummaryRow } from './summary.js';

// torchinfo's layout: a 90-character table, each column its width plus one space
const WIDTHS = [40, 25, 22];
const RULE = '='.repeat(WIDTHS.reduce((a, b) => a + b + 1, 0));

const thousands = (n: number): string => n.toLocaleString('en-US');

/** torchinfo's tree drawing: '├─' under the model, '│    └─' one level further, and so on. */
function layerLabel(row: SummaryRow): string {
  if (row.depth === 0) return row.type;
  const branch = row.depth === 1 ? '├─' : `${'│    '.repeat(row.depth - 1)}└─`;
  return `${branch}${row.type}: ${row.depth}-${row.index}`;
}

/** A container whose children are listed shows '--'; a row whose children are hidden shows their total. */
function paramCell(row: SummaryRow, maxDepth: number): string {
  if (row.isRepeat) return '(recursive)';
  const n = row.isContainer && row.depth < maxDepth ? row.ownParams : row.params;
  return n > 0 ? thousands(n) : '--';
}

function line(cells: string[]): string {
  // each column is its width plus one separating space; a longer cell pushes the rest right, never truncated
  return cells.map((c, i) => (i < cells.length - 1 ? `${c.padEnd(WIDTHS[i])} ` : c)).join('').trimEnd();
}

const megabytes = (bytes: number): string => (bytes / 1e6).toFixed(2);

function scaled(n: number): string {
  if (n >= 1e12) return `Total mult-adds (T): ${(n / 1e12).toFixed(2)}`;
  if (n >= 1e9) return `Total mult-adds (G): ${(n / 1e9).toFixed(2)}`;
  return `Total mult-adds (M): ${(n / 1e6).toFixed(2)}`;
}

export function formatSummary(s: Summary): string {
  const shown = s.rows.filter((r) => r.depth <= s.depth);
  const shape = (r: SummaryRow): string => (r.outputShape.length ? `[${r.outputShape.join(', ')}]` : '--');
  return [
    RULE,
    line(['Layer (type:depth-idx)', 'Output Shape', 'Param #']),
    RULE,
    ...shown.map((r) => line([layerLabel(r), shape(r), paramCell(r, s.depth)])),
    RULE,
    `Total params: ${thousands(s.totalParams)}`,
    `Trainable params: ${thousands(s.trainableParams)}`,
    `Non-trainable params: ${thousands(s.nonTrainableParams)}`,
    ...(s.bufferElements ? [`Buffer elements (running statistics): ${thousands(s.bufferElements)}`] : []),
    scaled(s.multAdds),
    RULE,
    `Input size (MB): ${megabytes(s.inputBytes)}`,
    `Forward/backward pass size (MB): ${megabytes(s.forwardBackwardBytes)}`,
    `Params size (MB): ${megabytes(s.paramBytes)}`,
    `Estimated Total Size (MB): ${megabytes(s.inputBytes + s.forwardBackwardBytes + s.paramBytes)}`,
    RULE,
  ].join('\n');
}

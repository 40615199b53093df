export { summary } from './summary.js';
export type { Summary, SummaryRow, SummaryOptions } from './summary.js';

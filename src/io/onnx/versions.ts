/** What the ONNX exporter writes, in a module of its own so the main entry knows it without loading the exporter. */
export const OPSETS = [13, 14, 15, 16, 17];
export const IR_VERSION = 8;

/** A model the exporter cannot express (an op without an ONNX mapping, an unsupported attribute). */
export class ExportError extends Error {}

/**
 * `ck.onnx`: export convkit models to ONNX and import ONNX graphs as trainable modules. The exporter, the importer
 * and the protobuf codec load on first use (lazy-export.ts, lazy-import.ts), so every function here that reads or
 * writes ONNX returns a promise.
 */
export { toOnnx } from './lazy-export.js';
export { fromOnnx, decodeModel, encodeModel } from './lazy-import.js';
export { OPSETS, IR_VERSION, ExportError } from './versions.js';
export { DataType } from './data-type.js';
export type { ToOnnxOptions } from './export.js';
export type { OnnxModel, OnnxGraph, OnnxNode, OnnxTensor, AttrValue, ValueInfo, ExternalDataReader, ExternalRef } from './proto.js';
export type { OnnxModule, FromOnnxOptions } from './import.js';

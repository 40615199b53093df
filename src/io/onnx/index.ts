/** `ck.onnx`: export convkit models to ONNX and import ONNX graphs as trainable modules. */
export { toOnnx, OPSETS, IR_VERSION } from './export.js';
export type { ToOnnxOptions } from './export.js';
export { ExportError } from './graph-builder.js';
export { encodeModel, decodeModel, DataType } from './proto.js';
export type { OnnxModel, OnnxGraph, OnnxNode, OnnxTensor, AttrValue, ValueInfo, ExternalDataReader, ExternalRef } from './proto.js';
export { fromOnnx, OnnxModule } from './import.js';
export type { FromOnnxOptions } from './import.js';

/** `ck.onnx`: export convkit models to ONNX and import ONNX graphs as trainable modules. */
export { toOnnx } from './lazy-export.js';
export { OPSETS, IR_VERSION, ExportError } from './versions.js';
export type { ToOnnxOptions } from './export.js';
export { encodeModel, decodeModel, DataType } from './proto.js';
export type { OnnxModel, OnnxGraph, OnnxNode, OnnxTensor, AttrValue, ValueInfo, ExternalDataReader, ExternalRef } from './proto.js';
export { fromOnnx, OnnxModule } from './import.js';
export type { FromOnnxOptions } from './import.js';

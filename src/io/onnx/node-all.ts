/** `ck.onnx` as `convkit/node` exports it: the same functions, plus loadOnnx/saveOnnx for file paths. */
export * from './index.js';
export { loadOnnx, saveOnnx } from './node.js';

/** The elementwise ops the WebAssembly module exports (as binary_<op> and unary_<op>); tools/wasm/wat/elementwise.ts generates them. */
export const WASM_BINARY_OPS = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as const;
export const WASM_UNARY_OPS = ['relu', 'neg', 'abs', 'sqrt', 'square'] as const;

export type WasmBinaryOp = (typeof WASM_BINARY_OPS)[number];
export type WasmUnaryOp = (typeof WASM_UNARY_OPS)[number];

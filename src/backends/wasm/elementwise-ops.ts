/** The elementwise ops the WebAssembly module exports (as binary_<op>, unary_<op> and compare_<op>); tools/wasm/wat/elementwise.ts generates them. */
export const WASM_BINARY_OPS = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum'] as const;
export const WASM_UNARY_OPS = ['relu', 'neg', 'abs', 'sqrt', 'square'] as const;
/** Comparisons write bool bytes (compare_<op>). */
export const WASM_COMPARE_OPS = ['gt', 'ge', 'lt', 'le', 'eq', 'ne'] as const;

export type WasmBinaryOp = (typeof WASM_BINARY_OPS)[number];
export type WasmUnaryOp = (typeof WASM_UNARY_OPS)[number];
export type WasmCompareOp = (typeof WASM_COMPARE_OPS)[number];

/** torch.nn as `ck.nn`: Module and Parameter, layers, `functional`, `init` and `utils`. */
export { Module } from './module.js';
export { RemovableHandle } from './hooks.js';
export type { ForwardHook, ForwardPreHook } from './hooks.js';
export type { FullBackwardHook } from './backward-hooks.js';
export type { StateDict, LoadStateDictOptions, LoadStateDictResult } from './module.js';
export { Parameter } from './parameter.js';
export * from './modules/index.js';
export * as functional from './functional.js';
export * as init from './init.js';
export * as utils from './utils.js';

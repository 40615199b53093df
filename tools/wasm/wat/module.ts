/** The whole kernel module as WebAssembly text: one memory imported from the host, kernels exported. */
import { GEMM_SHAPE, type GemmShape } from '../../../src/backends/wasm/gemm-shape.js';
import { activationWat } from './activation.js';
import { channelAffineWat } from './channel-affine.js';
import { convWat } from './conv.js';
import { convWeightWat } from './conv-weight.js';
import { elementwiseWat } from './elementwise.js';
import { gemmWat } from './gemm.js';
import { poolingWat } from './pooling.js';
import { winogradWat } from './winograd.js';
import { winogradWeightWat } from './winograd-weight.js';

export interface Variant {
  /** relaxed-SIMD fused multiply-add instead of a separate multiply and add */
  fma: boolean;
  /** the memory is a SharedArrayBuffer that worker threads use too */
  shared: boolean;
}

const helpers = `
  (func $min (param $a i32) (param $b i32) (result i32)
    (select (local.get $a) (local.get $b) (i32.lt_s (local.get $a) (local.get $b))))`;

export function moduleWat(v: Variant, gemm: GemmShape = GEMM_SHAPE): string {
  const memory = `(import "env" "memory" (memory 1${v.shared ? ' 65536 shared' : ''}))`;
  return `(module\n  ${memory}\n${helpers}\n${gemmWat(v.fma, gemm)}\n${convWat(v.fma)}\n${convWeightWat(v.fma)}\n${elementwiseWat()}\n${activationWat()}\n${poolingWat()}\n${winogradWat()}\n${winogradWeightWat()}\n${channelAffineWat()}\n)\n`;
}

/**
 * Native inference convolutions (native/src/conv_fused.cc): `conv` and ck.fuse's `convChannelAffine` (BatchNorm's
 * scale and shift, ResNet's shortcut and the ReLU as oneDNN post-ops). 2-D (and 1-D) convolutions leave their output
 * in the primitive's blocked layout (blocked-storage.ts), which the next one reads as it is; 3-D ones stay plain.
 */
import { contiguousStrides, numel } from '../../core/shape.js';
import type { AllKernels, OptionalKernels, Storage, View } from '../backend.js';
import type { ConvGeometry } from '../conv-kernels.js';
import { contiguousData, storageOf } from '../reference/strided.js';
import { REFERENCE_MAX_FLOPS } from '../wasm/conv.js';
import { Layout, type NativeAddon } from './addon.js';
import { BlockedStorage, blockedActivation } from './blocked-storage.js';
import { packGeometry } from './geometry.js';
import type { PackedWeights } from './packed-weights.js';

type ConvForwardKernels = Pick<AllKernels, 'conv'> & Pick<OptionalKernels, 'convChannelAffine'>;

interface Epilogue {
  scale: View | null;
  shift: View | null;
  residual: View | null;
  relu: boolean;
}

const NONE: Epilogue = { scale: null, shift: null, residual: null, relu: false };
const f32 = (v: View): Float32Array => contiguousData(v) as Float32Array;
const float32 = (...vs: (View | null)[]): boolean => vs.every((v) => v === null || v.dtype === 'float32');
const planar = (g: ConvGeometry): boolean => g.inSize[0] === 1 && g.outSize[0] === 1 && g.kernelSize[0] === 1;

/** Which optional operands the fused primitive has (native/src/conv_fused.h FusedOperands::flags). */
const fusedFlags = (bias: View | null, e: Epilogue): number =>
  (bias ? 1 : 0) | (e.scale ? 2 : 0) | (e.shift ? 4 : 0) | (e.residual ? 8 : 0) | (e.relu ? 16 : 0);

export function nativeConvForward(addon: NativeAddon, base: AllKernels, packed: PackedWeights, syncThreads: () => void): ConvForwardKernels {
  /** An activation operand as the addon reads it: its blocked array where it has one, else its plain elements. */
  const activation = (v: View, g: ConvGeometry): { data: Float32Array; layout: Layout } =>
    (planar(g) ? blockedActivation(v) : null) ?? { data: f32(v), layout: Layout.Plain };

  const forward = (x: View, w: View, bias: View | null, g: ConvGeometry, e: Epilogue): Storage => {
    const [N, C] = x.shape;
    const O = w.shape[0];
    syncThreads();
    const geometry = packGeometry(N, C, O, g);
    const flags = fusedFlags(bias, e);
    const wp = f32(w);
    const input = activation(x, g);
    const residual = e.residual && activation(e.residual, g);
    const y = new Float32Array(N * O * numel(g.outSize));
    const layout = addon.convFused(
      input.data, input.layout, wp, packed.getFused(w, wp, geometry, flags), bias && f32(bias), e.scale && f32(e.scale), e.shift && f32(e.shift),
      residual?.data ?? null, residual?.layout ?? Layout.Plain, y, geometry, e.relu, planar(g),
    );
    if (layout === Layout.Plain) return storageOf(y, 'float32');
    const dims = [N, O, g.outSize[1], g.outSize[2]];
    return new BlockedStorage(y, dims, layout, (from, to) => addon.toPlain(from, to, dims[0], dims[1], dims[2], dims[3], layout));
  };
  /** Too small for oneDNN to pay off, empty, or not float32: the wasm kernels run it. */
  const nativeRuns = (x: View, w: View, g: ConvGeometry, ...others: (View | null)[]): boolean => {
    const [N, C] = x.shape;
    const flops = 2 * N * w.shape[0] * numel(g.outSize) * (C / g.groups) * numel(g.kernelSize);
    return float32(x, w, ...others) && flops >= REFERENCE_MAX_FLOPS && numel(x.shape) > 0;
  };

  return {
    conv(x, w, bias, g) {
      return nativeRuns(x, w, g, bias) ? forward(x, w, bias, g, NONE) : base.conv(x, w, bias, g);
    },
    convChannelAffine(x, w, bias, g, scale, shift, residual, relu) {
      if (nativeRuns(x, w, g, bias, scale, shift, residual)) return forward(x, w, bias, g, { scale, shift, residual, relu });
      const shape = [x.shape[0], w.shape[0], ...g.outSize];
      const y = base.conv(x, w, bias, g);
      const yView: View = { storage: y, dtype: 'float32', shape, strides: contiguousStrides(shape), offset: 0 };
      return base.channelAffine(yView, scale, shift, residual, relu);
    },
  };
}

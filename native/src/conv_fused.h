// Inference convolutions that keep their activations in oneDNN's blocked layouts and carry BatchNorm's affine,
// ResNet's shortcut and the ReLU as post-ops: one primitive where the plain path runs a reorder in, the
// convolution, a reorder out and an elementwise pass (conv_fused.cc).
#pragma once
#include "geometry.h"

namespace convkit {

// How an activation array is laid out, as JavaScript tags its storages (src/backends/native/blocked-storage.ts).
// Only layouts whose size equals the plain one are used (no padded channel blocks), so any array of N·C·H·W floats
// holds any of them.
enum class Layout { Plain = 0, Blocked16 = 1, Blocked8 = 2, ChannelsLast = 3 };

// Which optional operands a fused convolution has; they select the primitive (its post-ops), so they key its plan.
struct FusedOperands {
  const float* bias = nullptr;
  const float* scale = nullptr;     // per output channel, multiplies conv + bias
  const float* shift = nullptr;     // per output channel, added after the scale
  const float* residual = nullptr;  // dst-shaped, added after the shift, in `residualLayout`
  Layout residualLayout = Layout::Plain;
  bool relu = false;
  int flags() const { return (bias ? 1 : 0) | (scale ? 2 : 0) | (shift ? 4 : 0) | (residual ? 8 : 0) | (relu ? 16 : 0); }
};

// y = relu?((conv(x, w) + bias)·scale + shift + residual), each step rounded to float32 as the separate ops round it.
// x is in `xLayout`; y is written in the primitive's own layout when `blockedOut` and that layout is unpadded, else
// plain. Returns y's layout. `packed`, when not null, holds w in the primitive's layout (convFusedPackWeights).
Layout convFusedForward(const ConvShape& s, const float* x, Layout xLayout, const float* w, const float* packed,
                        const FusedOperands& ops, float* y, bool blockedOut);
// Floats of the fused primitive's weight layout for these operand flags; 0 when it reads OIHW as it is.
size_t convFusedPackedWeightLength(const ConvShape& s, int flags);
void convFusedPackWeights(const ConvShape& s, int flags, const float* w, float* packed);
// An [N, C, H, W] activation in `layout` copied into plain NCHW.
void toPlain(const int64_t dims[4], Layout layout, const float* src, float* dst);

}  // namespace convkit

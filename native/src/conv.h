#pragma once
#include "geometry.h"

namespace convkit {

// The convolutions' gradients, all float32 in convkit's plain layouts (NC[D]HW, O(C/G)[kD]kHkW). The forward
// convolution is conv_fused.h's, with or without its epilogue.

// dL/dx from dL/dy: the transposed convolution. `packed`, when not null, holds w already in the primitive's layout
// (convPackWeights) and w is not read.
void convBackwardData(const ConvShape& s, const float* gy, const float* w, float* gx, const float* packed);
// How many floats convBackwardData's own weight layout takes (it may pad blocks); 0 when it reads convkit's layout.
size_t convPackedWeightLength(const ConvShape& s);
// Reorders w into convBackwardData's layout once, so calls until the next weight update skip the reorder.
void convPackWeights(const ConvShape& s, const float* w, float* packed);
// dL/dw from x and dL/dy.
void convBackwardWeights(const ConvShape& s, const float* x, const float* gy, float* gw);

void sgemm(bool transA, bool transB, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
           const float* B, int64_t ldb, float beta, float* C, int64_t ldc);

dnnl::engine& cpuEngine();
dnnl::stream& cpuStream();

}  // namespace convkit

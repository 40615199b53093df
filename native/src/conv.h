#pragma once
#include "geometry.h"

namespace convkit {

// y = conv(x, w) + bias, all float32 in convkit's plain layouts (NC[D]HW, O(C/G)[kD]kHkW); bias may be null.
void convForward(const ConvShape& s, const float* x, const float* w, const float* bias, float* y);
// dL/dx from dL/dy: the transposed convolution.
void convBackwardData(const ConvShape& s, const float* gy, const float* w, float* gx);
// dL/dw from x and dL/dy.
void convBackwardWeights(const ConvShape& s, const float* x, const float* gy, float* gw);

void sgemm(bool transA, bool transB, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
           const float* B, int64_t ldb, float beta, float* C, int64_t ldc);

dnnl::engine& cpuEngine();
dnnl::stream& cpuStream();

}  // namespace convkit

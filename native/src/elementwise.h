#pragma once
#include <cstdint>

namespace convkit {

// y = relu?(x·scale[c] + shift[c] + residual) over x [rows = N·C, inner], c = row mod channels; shift and
// residual may be null. y may be x (in place).
void channelAffine(const float* x, const float* scale, const float* shift, const float* residual, float* y,
                   int64_t rows, int64_t channels, int64_t inner, bool relu);
// x ← alpha·x + beta·y over n elements; y is x or does not overlap it.
void scaleAdd(float* x, float alpha, const float* y, float beta, int64_t n);

}  // namespace convkit

#pragma once
#include <cstdint>

namespace convkit {

// x [batch, channels, inner] in NC... order. Per channel: the mean and the biased variance over batch and inner.
template <typename T>
void batchNormStatistics(const T* x, int64_t batch, int64_t channels, int64_t inner, T* mean, T* var);
// Per channel: Σ gy and Σ gy·(x − mean[c]) over batch and inner (BatchNorm's backward).
template <typename T>
void batchNormBackwardSums(const T* gy, const T* x, const T* mean, int64_t batch, int64_t channels, int64_t inner, T* sumGy, T* sumGyCentred);

// Per channel: Σ x over batch and inner (a sum over every dim but a middle block: bias gradients, BatchNorm's Σ dy).
template <typename T>
void channelSum(const T* x, int64_t batch, int64_t channels, int64_t inner, T* out);

}  // namespace convkit

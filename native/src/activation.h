#pragma once
#include <cstdint>

namespace convkit {

// y = x <= 0 ? 0 : x (NaN passes, as torch.relu); y may be x.
void relu(const float* x, float* y, int64_t n);
// out = saved <= threshold ? 0 : g (threshold_backward: NaN in saved passes g, an infinite g where saved <= threshold gives 0).
void thresholdBackward(const float* g, const float* saved, float threshold, float* out, int64_t n);

}  // namespace convkit

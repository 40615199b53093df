// ReLU and its gradient in place on JavaScript's arrays: one vectorised pass each, where the wasm kernels copy the
// operands into WebAssembly memory and back.
#include "activation.h"

namespace convkit {

namespace {
constexpr int64_t PARALLEL_MIN = 1 << 16;
}  // namespace

void relu(const float* x, float* y, int64_t n) {
#pragma omp parallel for simd schedule(static) if (n >= PARALLEL_MIN)
  for (int64_t i = 0; i < n; i++) y[i] = x[i] <= 0.0f ? 0.0f : x[i];
}

void thresholdBackward(const float* g, const float* saved, float threshold, float* out, int64_t n) {
#pragma omp parallel for simd schedule(static) if (n >= PARALLEL_MIN)
  for (int64_t i = 0; i < n; i++) {
    // both loads first: a select the compiler vectorises, where a conditional load of g[i] is a branch that random
    // signs mispredict half the time
    const float gi = g[i], si = saved[i];
    out[i] = si <= threshold ? 0.0f : gi;
  }
}

}  // namespace convkit

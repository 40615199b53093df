// Memory-bound passes that the native backend runs in place on JavaScript's arrays, where the wasm kernels would
// copy every operand into WebAssembly memory and back. Each arithmetic step is rounded to float32 as the separate
// ops round it (no fused multiply-add: binding.gyp builds with -ffp-contract=off), so results match bit for bit.
#include "elementwise.h"

namespace convkit {

namespace {
// Below this many elements the pass takes microseconds; waking OpenMP's threads would cost more than it saves.
constexpr int64_t PARALLEL_MIN = 1 << 16;
}  // namespace

void channelAffine(const float* x, const float* scale, const float* shift, const float* residual, float* y,
                   int64_t rows, int64_t channels, int64_t inner, bool relu) {
#pragma omp parallel for schedule(static) if (rows * inner >= PARALLEL_MIN)
  for (int64_t row = 0; row < rows; row++) {
    const float s = scale[row % channels], t = shift ? shift[row % channels] : 0.0f;
    const int64_t base = row * inner;
    for (int64_t j = 0; j < inner; j++) {
      float v = x[base + j] * s;
      if (shift) v = v + t;
      if (residual) v = v + residual[base + j];
      y[base + j] = relu && v <= 0.0f ? 0.0f : v;  // NaN passes, as torch.relu
    }
  }
}

void scaleAdd(float* x, float alpha, const float* y, float beta, int64_t n) {
#pragma omp parallel for schedule(static) if (n >= PARALLEL_MIN)
  for (int64_t i = 0; i < n; i++) {
    const float a = alpha * x[i], b = beta * y[i];
    x[i] = a + b;
  }
}

}  // namespace convkit

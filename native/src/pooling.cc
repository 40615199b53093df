// Max pooling's gradient on NCDHW planes, in place on JavaScript's arrays: a plain scatter per plane, planes
// shared among OpenMP's threads. The wasm kernel copies every operand into WebAssembly memory and back, which
// costs more than the scatter itself at LeNet-5's sizes. The forward is in maxpool.cc.
#include "pooling.h"

namespace convkit {

namespace {
// Below this many elements a pass takes microseconds; waking OpenMP's threads would cost more than it saves.
constexpr int64_t PARALLEL_MIN = 1 << 15;
}  // namespace

bool maxPoolBackward(const float* gy, const int32_t* indices, float* gx, int64_t planes, int64_t planeIn, int64_t planeOut) {
  bool inside = true;
#pragma omp parallel for schedule(static) reduction(&& : inside) if (planes * planeOut >= PARALLEL_MIN)
  for (int64_t p = 0; p < planes; p++) {
    float* gxp = gx + p * planeIn;
    for (int64_t o = p * planeOut; o < (p + 1) * planeOut; o++) {
      const int32_t i = indices[o];
      if (i < 0 || i >= planeIn) {
        inside = false;
        continue;
      }
      gxp[i] += gy[o];
    }
  }
  return inside;
}

}  // namespace convkit

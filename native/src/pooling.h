#pragma once
#include <cstdint>

namespace convkit {

// The windows of a pooling along each spatial dim d (src/backends/conv-kernels.ts PoolWindows): output o covers
// input positions start[d][o] + j·step[d] for j < size[d][o], those outside [0, in[d]) skipped (implicit padding).
struct PoolShape {
  int64_t planes;  // N·C
  int64_t in[3], out[3], step[3];
  const int32_t* start[3];
  const int32_t* size[3];
};

// The maximum of each window and its flat position (d·H + h)·W + w in the input plane: ties keep the first maximum,
// NaN wins, an empty window gives -inf at -1 (PyTorch's rules, the reference backend's loop). maxpool.cc.
void maxPool(const PoolShape& s, const float* x, float* y, int32_t* indices);

// gx (zero on entry: a fresh JavaScript array) += gy at each output's index, per plane. False (gx incomplete) when an index is out of the plane.
bool maxPoolBackward(const float* gy, const int32_t* indices, float* gx, int64_t planes, int64_t planeIn, int64_t planeOut);

}  // namespace convkit

#pragma once
#include <cstdint>

namespace convkit {

// gx (zero on entry: a fresh JavaScript array) += gy at each output's index, per plane. False (gx incomplete) when an index is out of the plane.
bool maxPoolBackward(const float* gy, const int32_t* indices, float* gx, int64_t planes, int64_t planeIn, int64_t planeOut);

}  // namespace convkit

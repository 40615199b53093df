// A gradient convolution primitive with everything built for one geometry: the primitive descriptor (whose creation is the
// expensive part: oneDNN's implementation search and JIT), the primitive, the reorders between convkit's plain
// layouts and the primitive's, and the scratch memories they reorder into. Plans are built once per geometry and
// direction and reused, so a training step builds nothing.
#pragma once
#include <memory>
#include <string>
#include <unordered_map>

#include "conv.h"

namespace convkit {

enum class Direction { BackwardData, BackwardWeights };

// One operand of the primitive: the plain layout convkit holds it in, the primitive's, and (when they differ)
// the reorder between them with the primitive-side memory it fills or drains.
struct Operand {
  dnnl::memory::desc plain;
  dnnl::memory::desc inner;
  dnnl::memory scratch;
  dnnl::primitive reorder;
  bool reordered = false;
};

struct ConvPlan {
  dnnl::primitive primitive;
  // in DNNL_ARG_* order of use: two inputs and one output
  Operand in0, in1, out;
  int arg0 = 0, arg1 = 0, argOut = 0;
};

const ConvPlan& planFor(const ConvShape& s, Direction d);

}  // namespace convkit

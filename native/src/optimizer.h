#pragma once
#include <cstdint>

namespace convkit {

enum class OptimizerKind { Sgd = 0, Adam = 1, RmsProp = 2, Adagrad = 3 };

// Which terms an update has, as bits of one integer (src/backends/native/optimizer.ts sets them).
enum OptimizerFlag : int {
  Maximize = 1, Nesterov = 2, FirstStep = 4, AmsGrad = 8, Centered = 16, Decoupled = 32, Momentum = 64, WeightDecay = 128,
};

// One optimiser's update of one parameter, with this step's scalars (host doubles, rounded to the parameter's type
// where they meet it, as the ops round a Python scalar), in the order each kind lists them:
//   sgd      [weightDecay, momentum, 1 - dampening, -lr]
//   adam     [weightDecay, beta1, 1 - beta1, beta2, 1 - beta2, -stepSize, bias2Sqrt, eps, decay]
//   rmsprop  [weightDecay, alpha, 1 - alpha, eps, momentum, -lr]
//   adagrad  [weightDecay, -lr, eps]
struct OptimizerUpdate {
  OptimizerKind kind;
  int flags;
  double scalars[9];
  bool has(OptimizerFlag f) const { return (flags & f) != 0; }
};

// How many state arrays the update reads and writes (momentum buffers, moments), in src/backends/backend.ts's order.
int optimizerStateCount(const OptimizerUpdate& u);

// param and state updated in place over n elements; state[k] are distinct arrays of n elements.
template <typename T>
void optimizerStep(const OptimizerUpdate& u, T* param, const T* grad, T* const* state, int64_t n);

}  // namespace convkit

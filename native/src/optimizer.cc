// The optimisers' updates in one pass per parameter: each element of the parameter, its gradient and its state is
// read once and written once, where the op sequence of src/optim makes a dozen passes and temporaries. Every
// product and sum is written in the op sequence's order with the scalars rounded to T first, and binding.gyp
// builds without contraction into fused multiply-adds, so both paths agree to the last bit.
#include "optimizer.h"

#include <cmath>
#include <stdexcept>

namespace convkit {

namespace {

// Below this many elements the update takes microseconds; waking OpenMP's threads would cost more than it saves.
constexpr int64_t PARALLEL_MIN = 1 << 15;

// torch.maximum: NaN wins.
template <typename T>
T maximum(T a, T b) { return a != a || b != b ? NAN : (a > b ? a : b); }

// The gradient the update follows: ±g, plus the L2 penalty p·weightDecay (src/optim/update.ts effectiveGradient).
template <typename T>
T effective(const OptimizerUpdate& u, T p, T g, T weightDecay) {
  T d = u.has(Maximize) ? -g : g;
  return u.has(WeightDecay) ? d + p * weightDecay : d;
}

template <typename T>
void sgd(const OptimizerUpdate& u, T* param, const T* grad, T* const* state, int64_t n) {
  const T wd = T(u.scalars[0]), momentum = T(u.scalars[1]), keep = T(u.scalars[2]), step = T(u.scalars[3]);
  const bool hasBuffer = u.has(Momentum), first = u.has(FirstStep), nesterov = u.has(Nesterov);
  T* buf = hasBuffer ? state[0] : nullptr;
#pragma omp parallel for schedule(static) if (n >= PARALLEL_MIN)
  for (int64_t i = 0; i < n; i++) {
    T d = effective(u, param[i], grad[i], wd);
    if (hasBuffer) {
      // scaleAdd_(buf, momentum, d, 1 - dampening), or the buffer's first value, clone(d)
      T b = first ? d : T(momentum * buf[i]) + T(keep * d);
      buf[i] = b;
      d = nesterov ? d + b * momentum : b;
    }
    // scaleAdd_(p, 1, d, -lr)
    param[i] = T(T(1) * param[i]) + T(step * d);
  }
}

template <typename T>
void adam(const OptimizerUpdate& u, T* param, const T* grad, T* const* state, int64_t n) {
  const double* s = u.scalars;
  const T wd = T(s[0]), b1 = T(s[1]), c1 = T(s[2]), b2 = T(s[3]), c2 = T(s[4]), step = T(s[5]), bias2 = T(s[6]), eps = T(s[7]), decay = T(s[8]);
  const bool ams = u.has(AmsGrad), decoupled = u.has(Decoupled);
  T *m = state[0], *v = state[1], *vmax = ams ? state[2] : nullptr;
#pragma omp parallel for schedule(static) if (n >= PARALLEL_MIN)
  for (int64_t i = 0; i < n; i++) {
    T p = decoupled ? T(param[i] * decay) : param[i];
    T d = effective(u, p, grad[i], wd);
    T mi = T(m[i] * b1) + T(d * c1);
    T vi = T(v[i] * b2) + T(T(d * c2) * d);
    m[i] = mi;
    v[i] = vi;
    T second = vi;
    if (ams) second = vmax[i] = maximum(vmax[i], vi);
    T denom = T(std::sqrt(second) / bias2) + eps;
    param[i] = p + T(T(mi * step) / denom);
  }
}

template <typename T>
void rmsprop(const OptimizerUpdate& u, T* param, const T* grad, T* const* state, int64_t n) {
  const double* s = u.scalars;
  const T wd = T(s[0]), alpha = T(s[1]), c = T(s[2]), eps = T(s[3]), momentum = T(s[4]), step = T(s[5]);
  const bool hasMomentum = u.has(Momentum), centered = u.has(Centered);
  T *sq = state[0], *buf = hasMomentum ? state[1] : nullptr, *avgGrad = centered ? state[hasMomentum ? 2 : 1] : nullptr;
#pragma omp parallel for schedule(static) if (n >= PARALLEL_MIN)
  for (int64_t i = 0; i < n; i++) {
    T d = effective(u, param[i], grad[i], wd);
    T si = sq[i] = T(sq[i] * alpha) + T(T(d * c) * d);
    T avg;
    if (centered) {
      T ga = avgGrad[i] = T(avgGrad[i] * alpha) + T(d * c);
      avg = std::sqrt(T(si - T(ga * ga)));
    } else {
      avg = std::sqrt(si);
    }
    avg = avg + eps;
    if (hasMomentum) {
      T b = buf[i] = T(buf[i] * momentum) + T(d / avg);
      param[i] = param[i] + T(b * step);
    } else {
      param[i] = param[i] + T(T(d * step) / avg);
    }
  }
}

template <typename T>
void adagrad(const OptimizerUpdate& u, T* param, const T* grad, T* const* state, int64_t n) {
  const T wd = T(u.scalars[0]), step = T(u.scalars[1]), eps = T(u.scalars[2]);
  T* sum = state[0];
#pragma omp parallel for schedule(static) if (n >= PARALLEL_MIN)
  for (int64_t i = 0; i < n; i++) {
    T d = effective(u, param[i], grad[i], wd);
    T si = sum[i] = sum[i] + T(d * d);
    param[i] = param[i] + T(T(d * step) / T(std::sqrt(si) + eps));
  }
}

}  // namespace

int optimizerStateCount(const OptimizerUpdate& u) {
  switch (u.kind) {
    case OptimizerKind::Sgd: return u.has(Momentum) ? 1 : 0;
    case OptimizerKind::Adam: return u.has(AmsGrad) ? 3 : 2;
    case OptimizerKind::RmsProp: return 1 + (u.has(Momentum) ? 1 : 0) + (u.has(Centered) ? 1 : 0);
    case OptimizerKind::Adagrad: return 1;
  }
  throw std::invalid_argument("optimizerStep: unknown optimiser kind");
}

template <typename T>
void optimizerStep(const OptimizerUpdate& u, T* param, const T* grad, T* const* state, int64_t n) {
  switch (u.kind) {
    case OptimizerKind::Sgd: return sgd(u, param, grad, state, n);
    case OptimizerKind::Adam: return adam(u, param, grad, state, n);
    case OptimizerKind::RmsProp: return rmsprop(u, param, grad, state, n);
    case OptimizerKind::Adagrad: return adagrad(u, param, grad, state, n);
  }
}

template void optimizerStep<float>(const OptimizerUpdate&, float*, const float*, float* const*, int64_t);
template void optimizerStep<double>(const OptimizerUpdate&, double*, const double*, double* const*, int64_t);

}  // namespace convkit

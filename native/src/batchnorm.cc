// BatchNorm's per-channel reductions in training: the batch statistics of the forward pass and the two sums of the
// backward pass, each one loop over a channel's values accumulated in double (as PyTorch's CPU kernel accumulates
// float in double), channels shared among OpenMP's threads. The op sequence they replace (mean, sub, mul, mean;
// sum, mul, sum) makes five or six passes over the activations and two temporaries of their size.
// The variance is two-pass (mean first, then the centred squares): one-pass Σx² − (Σx)²/n loses the variance of
// values far from zero.
#include "batchnorm.h"

namespace convkit {

namespace {

constexpr int64_t PARALLEL_MIN = 1 << 15;

// f(row) over channel c's rows (one per batch item), each `inner` values long.
template <typename T, typename F>
double sumOverChannel(const T* base, int64_t batch, int64_t channels, int64_t inner, int64_t c, F f) {
  double acc = 0;
  for (int64_t n = 0; n < batch; n++) {
    const T* row = base + (n * channels + c) * inner;
    double part = 0;  // a row's partial sum first: fewer additions of small terms into a large total
#pragma omp simd reduction(+ : part)
    for (int64_t j = 0; j < inner; j++) part += f(row, j);
    acc += part;
  }
  return acc;
}

}  // namespace

template <typename T>
void batchNormStatistics(const T* x, int64_t batch, int64_t channels, int64_t inner, T* mean, T* var) {
  const double count = double(batch) * double(inner);
#pragma omp parallel for schedule(static) if (batch * channels * inner >= PARALLEL_MIN)
  for (int64_t c = 0; c < channels; c++) {
    const double mu = sumOverChannel(x, batch, channels, inner, c, [](const T* r, int64_t j) { return double(r[j]); }) / count;
    const double sq = sumOverChannel(x, batch, channels, inner, c, [mu](const T* r, int64_t j) {
      const double d = double(r[j]) - mu;
      return d * d;
    });
    mean[c] = T(mu);
    var[c] = T(sq / count);
  }
}

template <typename T>
void batchNormBackwardSums(const T* gy, const T* x, const T* mean, int64_t batch, int64_t channels, int64_t inner, T* sumGy, T* sumGyCentred) {
#pragma omp parallel for schedule(static) if (batch * channels * inner >= PARALLEL_MIN)
  for (int64_t c = 0; c < channels; c++) {
    const double mu = double(mean[c]);
    double sg = 0, sgc = 0;
    for (int64_t n = 0; n < batch; n++) {
      const int64_t row = (n * channels + c) * inner;
      double a = 0, b = 0;
#pragma omp simd reduction(+ : a, b)
      for (int64_t j = 0; j < inner; j++) {
        const double g = double(gy[row + j]);
        a += g;
        b += g * (double(x[row + j]) - mu);
      }
      sg += a;
      sgc += b;
    }
    sumGy[c] = T(sg);
    sumGyCentred[c] = T(sgc);
  }
}

template <typename T>
void channelSum(const T* x, int64_t batch, int64_t channels, int64_t inner, T* out) {
#pragma omp parallel for schedule(static) if (batch * channels * inner >= PARALLEL_MIN)
  for (int64_t c = 0; c < channels; c++) {
    out[c] = T(sumOverChannel(x, batch, channels, inner, c, [](const T* r, int64_t j) { return double(r[j]); }));
  }
}

template void channelSum<float>(const float*, int64_t, int64_t, int64_t, float*);
template void batchNormStatistics<float>(const float*, int64_t, int64_t, int64_t, float*, float*);
template void batchNormStatistics<double>(const double*, int64_t, int64_t, int64_t, double*, double*);
template void batchNormBackwardSums<float>(const float*, const float*, const float*, int64_t, int64_t, int64_t, float*, float*);
template void batchNormBackwardSums<double>(const double*, const double*, const double*, int64_t, int64_t, int64_t, double*, double*);

}  // namespace convkit

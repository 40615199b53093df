// N-API entry points of the training kernels: the optimisers' one-pass updates, max pooling and its gradient,
// ReLU and its gradient, BatchNorm's per-channel sums and the plain per-channel sum. Operands are JavaScript typed arrays read and written in
// place; every length is checked against the sizes the kernel will touch.
#include <string>
#include <vector>

#include "activation.h"
#include "batchnorm.h"
#include "napi-args.h"
#include "optimizer.h"
#include "pooling.h"
#include "training.h"

namespace convkit {

namespace {

using namespace napi;

napi_typedarray_type typeOf(napi_env env, napi_value v, const char* what) {
  bool is = false;
  napi_is_typedarray(env, v, &is);
  if (!is) throw ArgError(std::string(what) + ": expected a typed array");
  napi_typedarray_type t;
  napi_get_typedarray_info(env, v, &t, nullptr, nullptr, nullptr, nullptr);
  if (t != napi_float32_array && t != napi_float64_array) throw ArgError(std::string(what) + ": expected a Float32Array or a Float64Array");
  return t;
}

template <typename T>
constexpr napi_typedarray_type arrayType() { return sizeof(T) == 4 ? napi_float32_array : napi_float64_array; }

int64_t count(napi_env env, napi_value v, const char* what) {
  double d = number(env, v);
  if (d < 0 || d != double(int64_t(d))) throw ArgError(std::string(what) + ": expected a non-negative integer, got " + std::to_string(d));
  return int64_t(d);
}

template <typename T>
void stepOf(napi_env env, const OptimizerUpdate& u, napi_value* a, size_t n) {
  T* param = typedArray<T>(env, a[3], arrayType<T>(), n, "param");
  const T* grad = typedArray<T>(env, a[4], arrayType<T>(), n, "grad");
  uint32_t states = 0;
  napi_get_array_length(env, a[5], &states);
  if (int(states) != optimizerStateCount(u)) {
    throw ArgError("optimizerStep: expected " + std::to_string(optimizerStateCount(u)) + " state arrays, got " + std::to_string(states));
  }
  std::vector<T*> state(states);
  for (uint32_t k = 0; k < states; k++) {
    napi_value s;
    napi_get_element(env, a[5], k, &s);
    state[k] = typedArray<T>(env, s, arrayType<T>(), n, "state");
  }
  optimizerStep<T>(u, param, grad, state.data(), int64_t(n));
}

// optimizerStep(kind, flags, scalars: Float64Array, param, grad, state[]): see optimizer.h.
napi_value OptimizerStep(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[6];
    args(env, info, a);
    double kind = number(env, a[0]);
    if (kind != 0 && kind != 1 && kind != 2 && kind != 3) throw ArgError("optimizerStep: expected kind 0 (sgd), 1 (adam), 2 (rmsprop) or 3 (adagrad), got " + std::to_string(kind));
    OptimizerUpdate u{static_cast<OptimizerKind>(int(kind)), int(number(env, a[1])), {}};
    const double* sc = typedArray<double>(env, a[2], napi_float64_array, 9, "scalars");
    for (int k = 0; k < 9; k++) u.scalars[k] = sc[k];
    bool isArray = false;
    napi_is_array(env, a[5], &isArray);
    if (!isArray) throw ArgError("optimizerStep: expected an array of state arrays");
    size_t n = lengthOf(env, a[3]);
    if (typeOf(env, a[3], "param") == napi_float32_array) stepOf<float>(env, u, a, n);
    else stepOf<double>(env, u, a, n);
    return nullptr;
  });
}

// maxPool(x, y, indices, shape: Int32Array [planes, in×3, out×3, step×3], start0, start1, start2, size0, size1, size2).
napi_value MaxPool(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[10];
    args(env, info, a);
    const int32_t* g = typedArray<int32_t>(env, a[3], napi_int32_array, 10, "pool shape");
    PoolShape s{g[0], {g[1], g[2], g[3]}, {g[4], g[5], g[6]}, {g[7], g[8], g[9]}, {}, {}};
    if (s.planes < 0) throw ArgError("maxPool: expected a non-negative plane count");
    for (int d = 0; d < 3; d++) {
      if (s.in[d] < 1 || s.out[d] < 0 || s.step[d] < 1) throw ArgError("maxPool: expected positive input sizes and steps");
      s.start[d] = typedArray<int32_t>(env, a[4 + d], napi_int32_array, s.out[d], "window starts");
      s.size[d] = typedArray<int32_t>(env, a[7 + d], napi_int32_array, s.out[d], "window sizes");
      for (int64_t o = 0; o < s.out[d]; o++) {
        if (s.size[d][o] < 0) throw ArgError("maxPool: expected non-negative window sizes");
      }
    }
    size_t in = s.planes * s.in[0] * s.in[1] * s.in[2], out = s.planes * s.out[0] * s.out[1] * s.out[2];
    maxPool(s, floats(env, a[0], in, "x"), mutableFloats(env, a[1], out, "y"), typedArray<int32_t>(env, a[2], napi_int32_array, out, "indices"));
    return nullptr;
  });
}

// maxPoolBackward(gy, indices, gx, planes, planeIn, planeOut).
napi_value MaxPoolBackward(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[6];
    args(env, info, a);
    int64_t planes = count(env, a[3], "planes"), planeIn = count(env, a[4], "planeIn"), planeOut = count(env, a[5], "planeOut");
    const float* gy = floats(env, a[0], planes * planeOut, "gy");
    const int32_t* idx = typedArray<int32_t>(env, a[1], napi_int32_array, planes * planeOut, "indices");
    if (!maxPoolBackward(gy, idx, mutableFloats(env, a[2], planes * planeIn, "gx"), planes, planeIn, planeOut)) {
      throw ArgError("maxPoolBackward: an index lies outside its input plane of " + std::to_string(planeIn) + " elements");
    }
    return nullptr;
  });
}

// relu(x, y) over x's length.
napi_value Relu(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[2];
    args(env, info, a);
    size_t n = lengthOf(env, a[0]);
    relu(floats(env, a[0], n, "x"), mutableFloats(env, a[1], n, "y"), int64_t(n));
    return nullptr;
  });
}

// thresholdBackward(g, saved, threshold, out) over g's length.
napi_value ThresholdBackward(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[4];
    args(env, info, a);
    size_t n = lengthOf(env, a[0]);
    thresholdBackward(floats(env, a[0], n, "g"), floats(env, a[1], n, "saved"), float(number(env, a[2])), mutableFloats(env, a[3], n, "out"), int64_t(n));
    return nullptr;
  });
}

template <typename T>
void statisticsOf(napi_env env, napi_value* a, int64_t batch, int64_t channels, int64_t inner) {
  auto t = arrayType<T>();
  batchNormStatistics<T>(typedArray<T>(env, a[0], t, batch * channels * inner, "x"), batch, channels, inner,
                         typedArray<T>(env, a[4], t, channels, "mean"), typedArray<T>(env, a[5], t, channels, "var"));
}

// batchNormStatistics(x, batch, channels, inner, mean, var).
napi_value BatchNormStatistics(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[6];
    args(env, info, a);
    int64_t batch = count(env, a[1], "batch"), channels = count(env, a[2], "channels"), inner = count(env, a[3], "inner");
    if (typeOf(env, a[0], "x") == napi_float32_array) statisticsOf<float>(env, a, batch, channels, inner);
    else statisticsOf<double>(env, a, batch, channels, inner);
    return nullptr;
  });
}

template <typename T>
void backwardSumsOf(napi_env env, napi_value* a, int64_t batch, int64_t channels, int64_t inner) {
  auto t = arrayType<T>();
  size_t n = batch * channels * inner;
  batchNormBackwardSums<T>(typedArray<T>(env, a[0], t, n, "gy"), typedArray<T>(env, a[1], t, n, "x"), typedArray<T>(env, a[2], t, channels, "mean"),
                           batch, channels, inner, typedArray<T>(env, a[6], t, channels, "sumGy"), typedArray<T>(env, a[7], t, channels, "sumGyCentred"));
}

// batchNormBackwardSums(gy, x, mean, batch, channels, inner, sumGy, sumGyCentred).
napi_value BatchNormBackwardSums(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[8];
    args(env, info, a);
    int64_t batch = count(env, a[3], "batch"), channels = count(env, a[4], "channels"), inner = count(env, a[5], "inner");
    if (typeOf(env, a[0], "gy") == napi_float32_array) backwardSumsOf<float>(env, a, batch, channels, inner);
    else backwardSumsOf<double>(env, a, batch, channels, inner);
    return nullptr;
  });
}

// channelSum(x, batch, channels, inner, out): float32.
napi_value ChannelSum(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[5];
    args(env, info, a);
    int64_t batch = count(env, a[1], "batch"), channels = count(env, a[2], "channels"), inner = count(env, a[3], "inner");
    channelSum<float>(floats(env, a[0], batch * channels * inner, "x"), batch, channels, inner, mutableFloats(env, a[4], channels, "out"));
    return nullptr;
  });
}

}  // namespace

void defineTrainingKernels(napi_env env, napi_value exports) {
  defineFunction(env, exports, "optimizerStep", OptimizerStep);
  defineFunction(env, exports, "maxPool", MaxPool);
  defineFunction(env, exports, "maxPoolBackward", MaxPoolBackward);
  defineFunction(env, exports, "relu", Relu);
  defineFunction(env, exports, "thresholdBackward", ThresholdBackward);
  defineFunction(env, exports, "batchNormStatistics", BatchNormStatistics);
  defineFunction(env, exports, "batchNormBackwardSums", BatchNormBackwardSums);
  defineFunction(env, exports, "channelSum", ChannelSum);
}

}  // namespace convkit

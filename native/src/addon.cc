// N-API entry points. Operands are JavaScript typed arrays, read and written in place (no copies across the
// boundary); every length is checked against the shape before oneDNN touches memory.
#include <node_api.h>
#include <omp.h>

#include <stdexcept>
#include <string>

#include "conv.h"
#include "conv_fused.h"
#include "elementwise.h"
#include "napi-args.h"
#include "training.h"

namespace {

using namespace convkit::napi;

struct Sizes {
  size_t x, w, y;
};

Sizes sizesOf(const convkit::ConvShape& s) {
  size_t in = s.in[0] * s.in[1] * s.in[2], out = s.out[0] * s.out[1] * s.out[2], k = s.k[0] * s.k[1] * s.k[2];
  return {size_t(s.N * s.C) * in, size_t(s.O * (s.C / s.G)) * k, size_t(s.N * s.O) * out};
}

convkit::ConvShape shapeArg(napi_env env, napi_value v) {
  const int32_t* g = typedArray<int32_t>(env, v, napi_int32_array, 22, "geometry");
  convkit::ConvShape s = convkit::readShape(g);
  if (s.G < 1 || s.C % s.G || s.O % s.G) throw ArgError("geometry: channels not divisible by groups");
  return s;
}

// A packed weight array (convPackWeights) of exactly the input-gradient primitive's length, or null where there is none.
const float* packedArg(napi_env env, napi_value v, const convkit::ConvShape& s) {
  if (isNull(env, v)) return nullptr;
  size_t n = convkit::convPackedWeightLength(s);
  if (n == 0) throw ArgError("packed: this convolution reads the weights as they are; pass null");
  return floats(env, v, n, "packed");
}

napi_value ConvBackwardData(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[5];
    args(env, info, a, 1);
    auto s = shapeArg(env, a[3]);
    Sizes n = sizesOf(s);
    const float* packed = packedArg(env, a[4], s);
    convkit::convBackwardData(s, floats(env, a[0], n.y, "gy"), floats(env, a[1], n.w, "w"), mutableFloats(env, a[2], n.x, "gx"), packed);
    return nullptr;
  });
}

napi_value ConvBackwardWeights(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[4];
    args(env, info, a);
    auto s = shapeArg(env, a[3]);
    Sizes n = sizesOf(s);
    convkit::convBackwardWeights(s, floats(env, a[0], n.x, "x"), floats(env, a[1], n.y, "gy"), mutableFloats(env, a[2], n.w, "gw"));
    return nullptr;
  });
}

// convPackedWeightLength(geometry): floats convBackwardData's weight layout takes, 0 when it reads them as they are.
napi_value ConvPackedWeightLength(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[1];
    args(env, info, a);
    size_t n = convkit::convPackedWeightLength(shapeArg(env, a[0]));
    napi_value out;
    napi_create_double(env, static_cast<double>(n), &out);
    return out;
  });
}

// convPackWeights(w, packed, geometry): w reordered into convBackwardData's layout.
napi_value ConvPackWeights(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[3];
    args(env, info, a);
    auto s = shapeArg(env, a[2]);
    size_t n = convkit::convPackedWeightLength(s);
    if (n == 0) throw ArgError("convPackWeights: this convolution reads the weights as they are");
    convkit::convPackWeights(s, floats(env, a[0], sizesOf(s).w, "w"), mutableFloats(env, a[1], n, "packed"));
    return nullptr;
  });
}

// sgemm(transA, transB, M, N, K, A, aOffset, lda, B, bOffset, ldb, C, cOffset, ldc, beta): C = op(A)·op(B) + beta·C.
napi_value Sgemm(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[15];
    args(env, info, a);
    bool ta = boolean(env, a[0]), tb = boolean(env, a[1]);
    int64_t M = number(env, a[2]), N = number(env, a[3]), K = number(env, a[4]);
    int64_t ao = number(env, a[6]), lda = number(env, a[7]), bo = number(env, a[9]), ldb = number(env, a[10]);
    int64_t co = number(env, a[12]), ldc = number(env, a[13]);
    float beta = number(env, a[14]);
    if (M < 0 || N < 0 || K < 0 || ao < 0 || bo < 0 || co < 0) throw ArgError("sgemm: negative size or offset");
    // the last element each operand reaches, row-major
    size_t aRows = ta ? K : M, bRows = tb ? N : K;
    size_t aNeed = ao + (aRows ? (aRows - 1) * lda + (ta ? M : K) : 0);
    size_t bNeed = bo + (bRows ? (bRows - 1) * ldb + (tb ? K : N) : 0);
    size_t cNeed = co + (M ? (M - 1) * ldc + N : 0);
    const float* A = floats(env, a[5], aNeed, "A");
    const float* B = floats(env, a[8], bNeed, "B");
    float* C = mutableFloats(env, a[11], cNeed, "C");
    if (M && N) convkit::sgemm(ta, tb, M, N, K, 1.0f, A + ao, lda, B + bo, ldb, beta, C + co, ldc);
    return nullptr;
  });
}

// channelAffine(x, scale, shift, residual, y, rows, channels, inner, relu): see elementwise.h.
napi_value ChannelAffine(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[9];
    args(env, info, a);
    int64_t rows = number(env, a[5]), channels = number(env, a[6]), inner = number(env, a[7]);
    if (rows < 0 || channels < 1 || inner < 0 || rows % channels) throw ArgError("channelAffine: rows must be a multiple of channels");
    size_t n = rows * inner;
    const float* shift = isNull(env, a[2]) ? nullptr : floats(env, a[2], channels, "shift");
    const float* residual = isNull(env, a[3]) ? nullptr : floats(env, a[3], n, "residual");
    convkit::channelAffine(floats(env, a[0], n, "x"), floats(env, a[1], channels, "scale"), shift, residual,
                           mutableFloats(env, a[4], n, "y"), rows, channels, inner, boolean(env, a[8]));
    return nullptr;
  });
}

// scaleAdd(x, alpha, y, beta): x ← alpha·x + beta·y over x's length (alpha and beta already float32 values).
napi_value ScaleAdd(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[4];
    args(env, info, a);
    size_t n = 0;
    napi_get_typedarray_info(env, a[0], nullptr, &n, nullptr, nullptr, nullptr);
    float* x = mutableFloats(env, a[0], n, "x");
    convkit::scaleAdd(x, number(env, a[1]), floats(env, a[2], n, "y"), number(env, a[3]), n);
    return nullptr;
  });
}

convkit::Layout layoutArg(napi_env env, napi_value v, const convkit::ConvShape& s, const char* what) {
  double d = number(env, v);
  if (d != 0 && d != 1 && d != 2 && d != 3) throw ArgError(std::string(what) + ": expected a layout 0 to 3, got " + std::to_string(d));
  if (d != 0 && s.rank() != 2) throw ArgError(std::string(what) + ": a 3-D convolution's activations are plain (layout 0)");
  return static_cast<convkit::Layout>(static_cast<int>(d));
}

// convFused(x, xLayout, w, packed, bias, scale, shift, residual, residualLayout, y, geometry, relu, blockedOut):
// y's layout (conv_fused.h).
napi_value ConvFused(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[13];
    args(env, info, a);
    auto s = shapeArg(env, a[10]);
    Sizes n = sizesOf(s);
    convkit::FusedOperands ops;
    auto optional = [&](napi_value v, size_t length, const char* what) { return isNull(env, v) ? nullptr : floats(env, v, length, what); };
    ops.bias = optional(a[4], s.O, "bias");
    ops.scale = optional(a[5], s.O, "scale");
    ops.shift = optional(a[6], s.O, "shift");
    ops.residual = optional(a[7], n.y, "residual");
    ops.residualLayout = layoutArg(env, a[8], s, "residualLayout");
    ops.relu = boolean(env, a[11]);
    const float* packed = nullptr;
    if (!isNull(env, a[3])) {
      size_t length = convkit::convFusedPackedWeightLength(s, ops.flags());
      if (length == 0) throw ArgError("packed: this convolution reads the weights as they are; pass null");
      packed = floats(env, a[3], length, "packed");
    }
    auto layout = convkit::convFusedForward(s, floats(env, a[0], n.x, "x"), layoutArg(env, a[1], s, "xLayout"), floats(env, a[2], n.w, "w"),
                                            packed, ops, mutableFloats(env, a[9], n.y, "y"), boolean(env, a[12]));
    napi_value out;
    napi_create_int32(env, static_cast<int>(layout), &out);
    return out;
  });
}

int fusedFlags(napi_env env, napi_value v) {
  double d = number(env, v);
  if (d < 0 || d > 31 || d != static_cast<int>(d)) throw ArgError("flags: expected an integer 0 to 31, got " + std::to_string(d));
  return static_cast<int>(d);
}

// convFusedPackedWeightLength(geometry, flags): floats of the fused primitive's weight layout, 0 when it reads OIHW.
napi_value ConvFusedPackedWeightLength(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[2];
    args(env, info, a);
    size_t n = convkit::convFusedPackedWeightLength(shapeArg(env, a[0]), fusedFlags(env, a[1]));
    napi_value out;
    napi_create_double(env, static_cast<double>(n), &out);
    return out;
  });
}

// convFusedPackWeights(w, packed, geometry, flags)
napi_value ConvFusedPackWeights(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[4];
    args(env, info, a);
    auto s = shapeArg(env, a[2]);
    int flags = fusedFlags(env, a[3]);
    size_t n = convkit::convFusedPackedWeightLength(s, flags);
    if (n == 0) throw ArgError("convFusedPackWeights: this convolution reads the weights as they are");
    convkit::convFusedPackWeights(s, flags, floats(env, a[0], sizesOf(s).w, "w"), mutableFloats(env, a[1], n, "packed"));
    return nullptr;
  });
}

// toPlain(src, dst, n, c, h, w, layout): an activation in a blocked layout copied into plain NCHW.
napi_value ToPlain(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[7];
    args(env, info, a);
    int64_t dims[4];
    for (int i = 0; i < 4; i++) {
      double d = number(env, a[2 + i]);
      if (d < 1 || d != static_cast<int64_t>(d)) throw ArgError("toPlain: expected positive integer dims, got " + std::to_string(d));
      dims[i] = static_cast<int64_t>(d);
    }
    double layout = number(env, a[6]);
    if (layout != 0 && layout != 1 && layout != 2 && layout != 3) throw ArgError("toPlain: expected a layout 0 to 3, got " + std::to_string(layout));
    size_t n = dims[0] * dims[1] * dims[2] * dims[3];
    convkit::toPlain(dims, static_cast<convkit::Layout>(static_cast<int>(layout)), floats(env, a[0], n, "src"), mutableFloats(env, a[1], n, "dst"));
    return nullptr;
  });
}

napi_value SetNumThreads(napi_env env, napi_callback_info info) {
  return guarded(env, [&]() -> napi_value {
    napi_value a[1];
    args(env, info, a);
    int n = static_cast<int>(number(env, a[0]));
    if (n < 1) throw ArgError("setNumThreads: expected a positive integer");
    omp_set_num_threads(n);
    return nullptr;
  });
}

// The thread count oneDNN's next primitive runs on (OpenMP's), for tests that ck.setNumThreads reaches it.
napi_value NumThreads(napi_env env, napi_callback_info) {
  napi_value out;
  napi_create_int32(env, omp_get_max_threads(), &out);
  return out;
}

napi_value Version(napi_env env, napi_callback_info) {
  const dnnl_version_t* v = dnnl_version();
  std::string s = std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
  napi_value out;
  napi_create_string_utf8(env, s.c_str(), s.size(), &out);
  return out;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"convBackwardData", nullptr, ConvBackwardData, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"convBackwardWeights", nullptr, ConvBackwardWeights, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"convPackedWeightLength", nullptr, ConvPackedWeightLength, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"convPackWeights", nullptr, ConvPackWeights, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"channelAffine", nullptr, ChannelAffine, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"scaleAdd", nullptr, ScaleAdd, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sgemm", nullptr, Sgemm, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setNumThreads", nullptr, SetNumThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"numThreads", nullptr, NumThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"convFused", nullptr, ConvFused, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"convFusedPackedWeightLength", nullptr, ConvFusedPackedWeightLength, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"convFusedPackWeights", nullptr, ConvFusedPackWeights, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"toPlain", nullptr, ToPlain, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"version", nullptr, Version, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  convkit::defineTrainingKernels(env, exports);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)

// Convolutions through oneDNN's JIT kernels. Operands arrive in convkit's plain layouts; each primitive picks its
// own (blocked) layouts (`any`), and we reorder in and out around it, as PyTorch's mkldnn path does for NCHW tensors.
// oneDNN caches primitives by descriptor, so building them per call costs little after the first call of a shape.
#include "conv.h"

namespace convkit {

using dnnl::memory;
using tag = memory::format_tag;

dnnl::engine& cpuEngine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::stream& cpuStream() {
  static dnnl::stream stream(cpuEngine());
  return stream;
}

namespace {

memory::desc anyDesc(const memory::dims& dims) { return memory::desc(dims, memory::data_type::f32, tag::any); }

memory userMemory(const memory::dims& dims, tag t, const float* data) {
  return memory({dims, memory::data_type::f32, t}, cpuEngine(), const_cast<float*>(data));
}

// The user's memory itself when the primitive takes its layout, else a reordered copy.
memory input(const memory& user, const memory::desc& want) {
  if (user.get_desc() == want) return user;
  memory m(want, cpuEngine());
  dnnl::reorder(user, m).execute(cpuStream(), const_cast<memory&>(user), m);
  return m;
}

memory outputFor(const memory& user, const memory::desc& want) {
  return user.get_desc() == want ? user : memory(want, cpuEngine());
}

void finish(memory& produced, memory& user) {
  if (produced.get(true) != user.get(true)) dnnl::reorder(produced, user).execute(cpuStream(), produced, user);
  cpuStream().wait();
}

dnnl::convolution_forward::primitive_desc forwardPd(const ConvShape& s, bool withBias, dnnl::prop_kind kind) {
  auto biasMd = withBias ? anyDesc({s.O}) : memory::desc();
  dnnl::convolution_forward::desc d(kind, dnnl::algorithm::convolution_direct, anyDesc(s.srcDims()), anyDesc(s.weightDims()),
                                    biasMd, anyDesc(s.dstDims()), s.strides(), s.dilates(), s.padLeft(), s.padRight());
  return dnnl::convolution_forward::primitive_desc(d, cpuEngine());
}

}  // namespace

void convForward(const ConvShape& s, const float* x, const float* w, const float* bias, float* y) {
  auto pd = forwardPd(s, bias != nullptr, dnnl::prop_kind::forward_inference);
  memory xu = userMemory(s.srcDims(), s.plainTag(), x), wu = userMemory(s.weightDims(), s.weightTag(), w);
  memory yu = userMemory(s.dstDims(), s.plainTag(), y);
  memory xm = input(xu, pd.src_desc()), wm = input(wu, pd.weights_desc()), ym = outputFor(yu, pd.dst_desc());
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, xm}, {DNNL_ARG_WEIGHTS, wm}, {DNNL_ARG_DST, ym}};
  if (bias) args[DNNL_ARG_BIAS] = input(userMemory({s.O}, tag::x, bias), pd.bias_desc());
  dnnl::convolution_forward(pd).execute(cpuStream(), args);
  finish(ym, yu);
}

void convBackwardData(const ConvShape& s, const float* gy, const float* w, float* gx) {
  auto hint = forwardPd(s, false, dnnl::prop_kind::forward_training);
  dnnl::convolution_backward_data::desc d(dnnl::algorithm::convolution_direct, anyDesc(s.srcDims()), anyDesc(s.weightDims()),
                                          anyDesc(s.dstDims()), s.strides(), s.dilates(), s.padLeft(), s.padRight());
  dnnl::convolution_backward_data::primitive_desc pd(d, cpuEngine(), hint);
  memory gyu = userMemory(s.dstDims(), s.plainTag(), gy), wu = userMemory(s.weightDims(), s.weightTag(), w);
  memory gxu = userMemory(s.srcDims(), s.plainTag(), gx);
  memory gym = input(gyu, pd.diff_dst_desc()), wm = input(wu, pd.weights_desc()), gxm = outputFor(gxu, pd.diff_src_desc());
  dnnl::convolution_backward_data(pd).execute(cpuStream(), {{DNNL_ARG_DIFF_DST, gym}, {DNNL_ARG_WEIGHTS, wm}, {DNNL_ARG_DIFF_SRC, gxm}});
  finish(gxm, gxu);
}

void convBackwardWeights(const ConvShape& s, const float* x, const float* gy, float* gw) {
  auto hint = forwardPd(s, false, dnnl::prop_kind::forward_training);
  dnnl::convolution_backward_weights::desc d(dnnl::algorithm::convolution_direct, anyDesc(s.srcDims()), anyDesc(s.weightDims()),
                                             anyDesc(s.dstDims()), s.strides(), s.dilates(), s.padLeft(), s.padRight());
  dnnl::convolution_backward_weights::primitive_desc pd(d, cpuEngine(), hint);
  memory xu = userMemory(s.srcDims(), s.plainTag(), x), gyu = userMemory(s.dstDims(), s.plainTag(), gy);
  memory gwu = userMemory(s.weightDims(), s.weightTag(), gw);
  memory xm = input(xu, pd.src_desc()), gym = input(gyu, pd.diff_dst_desc()), gwm = outputFor(gwu, pd.diff_weights_desc());
  dnnl::convolution_backward_weights(pd).execute(cpuStream(), {{DNNL_ARG_SRC, xm}, {DNNL_ARG_DIFF_DST, gym}, {DNNL_ARG_DIFF_WEIGHTS, gwm}});
  finish(gwm, gwu);
}

}  // namespace convkit

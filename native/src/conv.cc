// The convolutions' gradients through oneDNN's JIT kernels (the forward convolution is conv_fused.cc's). Operands
// arrive in convkit's plain layouts; each primitive picks its own layouts (`any`: NHWC-like or blocked on
// AVX-512), and the plan (plan.h) reorders in and out around it, as PyTorch's mkldnn path does for NCHW tensors.
#include <omp.h>

#include <stdexcept>

#include "plan.h"

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
memory::desc plainDesc(const memory::dims& dims, tag t) { return memory::desc(dims, memory::data_type::f32, t); }

Operand operand(const memory::desc& plain, const memory::desc& inner, bool isOutput) {
  Operand o{plain, inner, {}, {}, false};
  if (plain == inner) return o;
  o.reordered = true;
  o.scratch = memory(inner, cpuEngine());
  auto& eng = cpuEngine();
  o.reorder = isOutput ? dnnl::primitive(dnnl::reorder(dnnl::reorder::primitive_desc(eng, inner, eng, plain)))
                       : dnnl::primitive(dnnl::reorder(dnnl::reorder::primitive_desc(eng, plain, eng, inner)));
  return o;
}

// The training forward primitive that both gradients' primitives take as their hint.
dnnl::convolution_forward::primitive_desc forwardHint(const ConvShape& s) {
  dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct, anyDesc(s.srcDims()),
                                    anyDesc(s.weightDims()), anyDesc(s.dstDims()), s.strides(), s.dilates(), s.padLeft(), s.padRight());
  return dnnl::convolution_forward::primitive_desc(d, cpuEngine());
}

std::unique_ptr<ConvPlan> build(const ConvShape& s, Direction d) {
  auto plan = std::make_unique<ConvPlan>();
  memory::desc src = plainDesc(s.srcDims(), s.plainTag()), wei = plainDesc(s.weightDims(), s.weightTag());
  memory::desc dst = plainDesc(s.dstDims(), s.plainTag());
  auto hint = forwardHint(s);
  if (d == Direction::BackwardData) {
    dnnl::convolution_backward_data::desc desc(dnnl::algorithm::convolution_direct, anyDesc(s.srcDims()), anyDesc(s.weightDims()),
                                               anyDesc(s.dstDims()), s.strides(), s.dilates(), s.padLeft(), s.padRight());
    dnnl::convolution_backward_data::primitive_desc pd(desc, cpuEngine(), hint);
    plan->primitive = dnnl::convolution_backward_data(pd);
    plan->in0 = operand(dst, pd.diff_dst_desc(), false);
    plan->in1 = operand(wei, pd.weights_desc(), false);
    plan->out = operand(src, pd.diff_src_desc(), true);
    plan->arg0 = DNNL_ARG_DIFF_DST, plan->arg1 = DNNL_ARG_WEIGHTS, plan->argOut = DNNL_ARG_DIFF_SRC;
  } else {
    dnnl::convolution_backward_weights::desc desc(dnnl::algorithm::convolution_direct, anyDesc(s.srcDims()), anyDesc(s.weightDims()),
                                                  anyDesc(s.dstDims()), s.strides(), s.dilates(), s.padLeft(), s.padRight());
    dnnl::convolution_backward_weights::primitive_desc pd(desc, cpuEngine(), hint);
    plan->primitive = dnnl::convolution_backward_weights(pd);
    plan->in0 = operand(src, pd.src_desc(), false);
    plan->in1 = operand(dst, pd.diff_dst_desc(), false);
    plan->out = operand(wei, pd.diff_weights_desc(), true);
    plan->arg0 = DNNL_ARG_SRC, plan->arg1 = DNNL_ARG_DIFF_DST, plan->argOut = DNNL_ARG_DIFF_WEIGHTS;
  }
  return plan;
}

// The thread count is part of the key: oneDNN splits the work among the threads it sees when the primitive is
// created, so a primitive made for one thread would keep running on one after ck.setNumThreads(2).
std::string keyOf(const ConvShape& s, Direction d) {
  std::string k = std::to_string(static_cast<int>(d)) + "," + std::to_string(omp_get_max_threads());
  for (int64_t v : {s.N, s.C, s.O, s.G}) k += "," + std::to_string(v);
  for (const int64_t* a : {s.in, s.out, s.k, s.s, s.d, s.p})
    for (int i = 0; i < 3; i++) k += "," + std::to_string(a[i]);
  return k;
}

// User memory over a JavaScript array; oneDNN never frees it.
memory wrap(const memory::desc& md, const float* data) { return memory(md, cpuEngine(), const_cast<float*>(data)); }

// The primitive-side memory of an input: the user's array itself, or the plan's scratch after a reorder.
memory input(const Operand& o, const float* data) {
  memory user = wrap(o.plain, data);
  if (!o.reordered) return user;
  o.reorder.execute(cpuStream(), {{DNNL_ARG_FROM, user}, {DNNL_ARG_TO, o.scratch}});
  return o.scratch;
}

// `packed1`: in1 already in the primitive's layout (a cached weight reorder), used as it is.
void run(const ConvPlan& p, const float* a0, const float* a1, float* out, const float* packed1 = nullptr) {
  memory in1 = packed1 && p.in1.reordered ? wrap(p.in1.inner, packed1) : input(p.in1, a1);
  std::unordered_map<int, memory> args{{p.arg0, input(p.in0, a0)}, {p.arg1, in1}};
  memory user = wrap(p.out.plain, out);
  args[p.argOut] = p.out.reordered ? p.out.scratch : user;
  p.primitive.execute(cpuStream(), args);
  if (p.out.reordered) p.out.reorder.execute(cpuStream(), {{DNNL_ARG_FROM, p.out.scratch}, {DNNL_ARG_TO, user}});
  cpuStream().wait();
}

}  // namespace

const ConvPlan& planFor(const ConvShape& s, Direction d) {
  // a model has a few dozen distinct convolutions; a bound keeps a stream of odd shapes from growing it forever
  static std::unordered_map<std::string, std::unique_ptr<ConvPlan>> plans;
  constexpr size_t MAX_PLANS = 512;
  std::string key = keyOf(s, d);
  auto it = plans.find(key);
  if (it != plans.end()) return *it->second;
  if (plans.size() >= MAX_PLANS) plans.clear();
  return *(plans[key] = build(s, d));
}

void convBackwardData(const ConvShape& s, const float* gy, const float* w, float* gx, const float* packed) {
  run(planFor(s, Direction::BackwardData), gy, w, gx, packed);
}

size_t convPackedWeightLength(const ConvShape& s) {
  const Operand& w = planFor(s, Direction::BackwardData).in1;
  return w.reordered ? (w.inner.get_size() + sizeof(float) - 1) / sizeof(float) : 0;
}

void convPackWeights(const ConvShape& s, const float* w, float* packed) {
  const Operand& o = planFor(s, Direction::BackwardData).in1;
  if (!o.reordered) throw std::invalid_argument("packWeights: this convolution reads the weights as they are");
  o.reorder.execute(cpuStream(), {{DNNL_ARG_FROM, wrap(o.plain, w)}, {DNNL_ARG_TO, wrap(o.inner, packed)}});
  cpuStream().wait();
}

void convBackwardWeights(const ConvShape& s, const float* x, const float* gy, float* gw) {
  run(planFor(s, Direction::BackwardWeights), x, gy, gw);
}

}  // namespace convkit

// Inference convolutions with post-ops and blocked activations (conv_fused.h). oneDNN 2.6's AVX-512 kernels run
// ~4× faster on nChw16c than on NCHW, so the plain path (conv.cc) reorders every activation in and out; here the
// output stays in the primitive's layout and the next convolution reads it as it is. BatchNorm's scale and shift
// are binary post-ops (not folded into the weights) so that each step rounds as the unfused ops do, and the
// residual is oneDNN's `sum` post-op, which adds what the destination holds before the primitive runs.
#include "conv_fused.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include <omp.h>

#include "conv.h"

namespace convkit {

using dnnl::memory;
using tag = memory::format_tag;

namespace {

memory::desc f32Desc(const memory::dims& dims, tag t) { return memory::desc(dims, memory::data_type::f32, t); }

tag tagOf(Layout l) {
  switch (l) {
    case Layout::Plain: return tag::nchw;
    case Layout::Blocked16: return tag::nChw16c;
    case Layout::Blocked8: return tag::nChw8c;
    case Layout::ChannelsLast: return tag::nhwc;
  }
  throw std::invalid_argument("layout: expected 0 to 3");
}

// The layout of desc among those JavaScript can tag, or Plain where it is none of them (or padded).
Layout layoutOf(const memory::desc& d, const memory::dims& dims) {
  if (dims.size() != 4) return Layout::Plain;
  size_t plainBytes = f32Desc(dims, tag::nchw).get_size();
  for (Layout l : {Layout::Blocked16, Layout::Blocked8, Layout::ChannelsLast}) {
    memory::desc candidate = f32Desc(dims, tagOf(l));
    if (d == candidate && candidate.get_size() == plainBytes) return l;
  }
  return Layout::Plain;
}

// An array JavaScript passes holds N·C·H·W floats: a layout with padded channel blocks would read past its end.
memory::desc layoutDesc(const memory::dims& dims, Layout l) {
  if (dims.size() != 4) {
    if (l != Layout::Plain) throw std::invalid_argument("layout: a 3-D convolution's activations are plain");
    return f32Desc(dims, tag::ncdhw);
  }
  memory::desc d = f32Desc(dims, tagOf(l));
  if (d.get_size() != f32Desc(dims, tag::nchw).get_size()) {
    throw std::invalid_argument("layout: " + std::to_string(dims[1]) + " channels do not fill the layout's channel blocks");
  }
  return d;
}

memory wrap(const memory::desc& md, const float* data) { return memory(md, cpuEngine(), const_cast<float*>(data)); }

dnnl::reorder reorderBetween(const memory::desc& from, const memory::desc& to) {
  return dnnl::reorder(dnnl::reorder::primitive_desc(cpuEngine(), from, cpuEngine(), to));
}

struct FusedPlan {
  dnnl::convolution_forward primitive;
  memory::dims srcDims, dstDims, weiDims;
  memory::desc src, wei, dst, bias, channelVector;
  memory::desc plainWei, plainDst;
  Layout dstLayout = Layout::Plain;  // the primitive's own dst layout, where JavaScript can hold it
  memory srcScratch, weiScratch, dstScratch;
  dnnl::reorder weiIn, dstOut;
  bool weiReordered = false;
  // reorders into src (from an input layout) and into dst (a residual's layout), made on first use
  std::map<Layout, dnnl::reorder> srcFrom, dstFrom;
  int scaleArg = 0, shiftArg = 0;

  dnnl::reorder& into(std::map<Layout, dnnl::reorder>& cache, const memory::dims& dims, Layout from, const memory::desc& to) {
    auto it = cache.find(from);
    if (it == cache.end()) it = cache.emplace(from, reorderBetween(layoutDesc(dims, from), to)).first;
    return it->second;
  }
};

memory::desc anyDesc(const memory::dims& dims) { return f32Desc(dims, tag::any); }

std::unique_ptr<FusedPlan> build(const ConvShape& s, int flags) {
  auto p = std::make_unique<FusedPlan>();
  p->srcDims = s.srcDims(), p->dstDims = s.dstDims(), p->weiDims = s.weightDims();
  bool withBias = flags & 1;
  dnnl::convolution_forward::desc d(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, anyDesc(p->srcDims),
                                    anyDesc(p->weiDims), withBias ? anyDesc({s.O}) : memory::desc(), anyDesc(p->dstDims),
                                    s.strides(), s.dilates(), s.padLeft(), s.padRight());
  // per-channel operands broadcast over [N, O, spatial...]
  memory::dims channelDims(p->dstDims.size(), 1);
  channelDims[1] = s.O;
  p->channelVector = f32Desc(channelDims, channelDims.size() == 4 ? tag::abcd : tag::abcde);
  dnnl::post_ops po;
  int index = 0;
  // the same order as the unfused ops: ·scale, +shift, +residual, relu
  if (flags & 2) {
    p->scaleArg = DNNL_ARG_ATTR_MULTIPLE_POST_OP(index++) | DNNL_ARG_SRC_1;
    po.append_binary(dnnl::algorithm::binary_mul, p->channelVector);
  }
  if (flags & 4) {
    p->shiftArg = DNNL_ARG_ATTR_MULTIPLE_POST_OP(index++) | DNNL_ARG_SRC_1;
    po.append_binary(dnnl::algorithm::binary_add, p->channelVector);
  }
  if (flags & 8) po.append_sum(1.0f);
  if (flags & 16) po.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
  dnnl::primitive_attr attr;
  attr.set_post_ops(po);
  dnnl::convolution_forward::primitive_desc pd(d, attr, cpuEngine());
  p->primitive = dnnl::convolution_forward(pd);
  p->src = pd.src_desc(), p->wei = pd.weights_desc(), p->dst = pd.dst_desc();
  if (withBias) p->bias = pd.bias_desc();
  p->plainWei = f32Desc(p->weiDims, s.weightTag());
  p->plainDst = f32Desc(p->dstDims, s.plainTag());
  p->dstLayout = layoutOf(p->dst, p->dstDims);
  if (p->src != f32Desc(p->srcDims, s.plainTag())) p->srcScratch = memory(p->src, cpuEngine());
  if (p->wei != p->plainWei) p->weiReordered = true, p->weiScratch = memory(p->wei, cpuEngine()), p->weiIn = reorderBetween(p->plainWei, p->wei);
  if (p->dst != p->plainDst) p->dstScratch = memory(p->dst, cpuEngine()), p->dstOut = reorderBetween(p->dst, p->plainDst);
  return p;
}

// The thread count is part of the key: oneDNN splits the work among the threads it sees when the primitive is
// created, so a primitive made for one thread would keep running on one after ck.setNumThreads(2).
std::string keyOf(const ConvShape& s, int flags) {
  std::string k = std::to_string(flags) + "," + std::to_string(omp_get_max_threads());
  for (int64_t v : {s.N, s.C, s.O, s.G}) k += "," + std::to_string(v);
  for (const int64_t* a : {s.in, s.out, s.k, s.s, s.d, s.p})
    for (int i = 0; i < 3; i++) k += "," + std::to_string(a[i]);
  return k;
}

FusedPlan& planFor(const ConvShape& s, int flags) {
  // a model has a few dozen distinct convolutions; the bound keeps a stream of odd shapes from growing it forever
  static std::unordered_map<std::string, std::unique_ptr<FusedPlan>> plans;
  constexpr size_t MAX_PLANS = 512;
  std::string key = keyOf(s, flags);
  auto it = plans.find(key);
  if (it != plans.end()) return *it->second;
  if (plans.size() >= MAX_PLANS) plans.clear();
  return *(plans[key] = build(s, flags));
}

// x as the primitive reads it: the array itself when its layout is the primitive's, else reordered into scratch.
memory source(FusedPlan& p, const float* x, Layout layout) {
  memory user = wrap(layoutDesc(p.srcDims, layout), x);
  if (user.get_desc() == p.src) return user;
  memory scratch = p.srcScratch ? p.srcScratch : memory(p.src, cpuEngine());
  p.into(p.srcFrom, p.srcDims, layout, p.src).execute(cpuStream(), {{DNNL_ARG_FROM, user}, {DNNL_ARG_TO, scratch}});
  return scratch;
}

// The `sum` post-op adds what dst holds: the residual, copied in the primitive's dst layout.
void loadResidual(FusedPlan& p, const float* residual, Layout layout, const memory& dst) {
  memory user = wrap(layoutDesc(p.dstDims, layout), residual);
  if (user.get_desc() == p.dst) {
    std::memcpy(dst.get_data_handle(), residual, p.dst.get_size());
    return;
  }
  p.into(p.dstFrom, p.dstDims, layout, p.dst).execute(cpuStream(), {{DNNL_ARG_FROM, user}, {DNNL_ARG_TO, dst}});
}

}  // namespace

Layout convFusedForward(const ConvShape& s, const float* x, Layout xLayout, const float* w, const float* packed,
                        const FusedOperands& ops, float* y, bool blockedOut) {
  FusedPlan& p = planFor(s, ops.flags());
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, source(p, x, xLayout)}};
  if (!p.weiReordered) args[DNNL_ARG_WEIGHTS] = wrap(p.wei, w);
  else if (packed) args[DNNL_ARG_WEIGHTS] = wrap(p.wei, packed);
  else {
    p.weiIn.execute(cpuStream(), {{DNNL_ARG_FROM, wrap(p.plainWei, w)}, {DNNL_ARG_TO, p.weiScratch}});
    args[DNNL_ARG_WEIGHTS] = p.weiScratch;
  }
  if (ops.bias) args[DNNL_ARG_BIAS] = wrap(p.bias, ops.bias);
  if (ops.scale) args[p.scaleArg] = wrap(p.channelVector, ops.scale);
  if (ops.shift) args[p.shiftArg] = wrap(p.channelVector, ops.shift);
  Layout outLayout = blockedOut ? p.dstLayout : Layout::Plain;
  bool direct = outLayout != Layout::Plain || !p.dstScratch;
  memory dst = direct ? wrap(p.dst, y) : p.dstScratch;
  if (ops.residual) loadResidual(p, ops.residual, ops.residualLayout, dst);
  args[DNNL_ARG_DST] = dst;
  p.primitive.execute(cpuStream(), args);
  if (!direct) p.dstOut.execute(cpuStream(), {{DNNL_ARG_FROM, dst}, {DNNL_ARG_TO, wrap(p.plainDst, y)}});
  cpuStream().wait();
  return outLayout;
}

size_t convFusedPackedWeightLength(const ConvShape& s, int flags) {
  FusedPlan& p = planFor(s, flags);
  return p.weiReordered ? (p.wei.get_size() + sizeof(float) - 1) / sizeof(float) : 0;
}

void convFusedPackWeights(const ConvShape& s, int flags, const float* w, float* packed) {
  FusedPlan& p = planFor(s, flags);
  if (!p.weiReordered) throw std::invalid_argument("convFusedPackWeights: this convolution reads the weights as they are");
  p.weiIn.execute(cpuStream(), {{DNNL_ARG_FROM, wrap(p.plainWei, w)}, {DNNL_ARG_TO, wrap(p.wei, packed)}});
  cpuStream().wait();
}

void toPlain(const int64_t dims[4], Layout layout, const float* src, float* dst) {
  memory::dims d(dims, dims + 4);
  if (layout == Layout::Plain) {
    std::memcpy(dst, src, f32Desc(d, tag::nchw).get_size());
    return;
  }
  // one reorder per activation shape and layout, as the plans are per geometry
  static std::map<std::pair<memory::dims, Layout>, dnnl::reorder> reorders;
  auto key = std::make_pair(d, layout);
  memory::desc from = layoutDesc(d, layout);
  auto it = reorders.find(key);
  if (it == reorders.end()) {
    if (reorders.size() >= 512) reorders.clear();
    it = reorders.emplace(key, reorderBetween(from, f32Desc(d, tag::nchw))).first;
  }
  it->second.execute(cpuStream(), {{DNNL_ARG_FROM, wrap(from, src)}, {DNNL_ARG_TO, wrap(f32Desc(d, tag::nchw), dst)}});
  cpuStream().wait();
}

}  // namespace convkit

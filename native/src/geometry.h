// The convolution geometry convkit passes down (src/backends/conv-kernels.ts), flattened into 22 int32s.
#pragma once
#include <cstdint>
#include <oneapi/dnnl/dnnl.hpp>

namespace convkit {

struct ConvShape {
  int64_t N, C, O, G;
  int64_t in[3], out[3], k[3], s[3], d[3], p[3];

  // Spatial dims oneDNN sees: 2 when the depth dim is trivial (conv1d/conv2d), else 3.
  int rank() const { return (in[0] == 1 && out[0] == 1 && k[0] == 1) ? 2 : 3; }

  dnnl::memory::dims spatial(const int64_t* v) const {
    return rank() == 2 ? dnnl::memory::dims{v[1], v[2]} : dnnl::memory::dims{v[0], v[1], v[2]};
  }
  dnnl::memory::dims srcDims() const { return cat({N, C}, spatial(in)); }
  dnnl::memory::dims dstDims() const { return cat({N, O}, spatial(out)); }
  dnnl::memory::dims weightDims() const {
    dnnl::memory::dims head = G == 1 ? dnnl::memory::dims{O, C} : dnnl::memory::dims{G, O / G, C / G};
    return cat(head, spatial(k));
  }
  dnnl::memory::dims strides() const { return spatial(s); }
  // oneDNN counts dilation from 0 (1 means one gap), convkit and PyTorch from 1.
  dnnl::memory::dims dilates() const {
    auto v = spatial(d);
    for (auto& x : v) x -= 1;
    return v;
  }
  dnnl::memory::dims padLeft() const { return spatial(p); }
  // The trailing padding is implied by the output size (TensorFlow's asymmetric 'same', ceil-mode windows);
  // oneDNN wants it explicitly and never negative: trailing input that no window reaches is simply unread.
  dnnl::memory::dims padRight() const {
    int64_t r[3];
    for (int i = 0; i < 3; i++) {
      int64_t need = (out[i] - 1) * s[i] + (k[i] - 1) * d[i] + 1 - in[i] - p[i];
      r[i] = need > 0 ? need : 0;
    }
    return spatial(r);
  }

  dnnl::memory::format_tag plainTag() const { return rank() == 2 ? dnnl::memory::format_tag::nchw : dnnl::memory::format_tag::ncdhw; }
  dnnl::memory::format_tag weightTag() const {
    using t = dnnl::memory::format_tag;
    if (G == 1) return rank() == 2 ? t::oihw : t::oidhw;
    return rank() == 2 ? t::goihw : t::goidhw;
  }

 private:
  static dnnl::memory::dims cat(dnnl::memory::dims a, const dnnl::memory::dims& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  }
};

// Reads the Int32Array layout written by src/backends/native/geometry.ts.
inline ConvShape readShape(const int32_t* g) {
  ConvShape s;
  s.N = g[0]; s.C = g[1]; s.O = g[2]; s.G = g[3];
  for (int i = 0; i < 3; i++) {
    s.in[i] = g[4 + i]; s.out[i] = g[7 + i]; s.k[i] = g[10 + i];
    s.s[i] = g[13 + i]; s.d[i] = g[16 + i]; s.p[i] = g[19 + i];
  }
  return s;
}

}  // namespace convkit

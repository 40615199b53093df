// Max pooling's forward with PyTorch's indices, in place on JavaScript's arrays. Along W, the outputs whose windows
// are whole, equally long and evenly spaced (every fixed-size pooling has such a run between its padded edges) go
// four at a time through SSE2 compares and selects; the edges, irregular (adaptive) windows and other CPUs take
// the scalar loop. A scalar loop alone was 2-3x slower than the wasm kernel's SIMD row loop: which tap wins is
// data-dependent, so a branch per tap mispredicts.
#include <limits>
#include <vector>

#include "pooling.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace convkit {

namespace {

constexpr int64_t PARALLEL_MIN = 1 << 15;

// The input positions window o covers along one dim, clipped to [0, n): first, step and count.
struct Taps {
  int64_t first, step, count;
};

std::vector<Taps> tapsOf(const PoolShape& s, int d) {
  std::vector<Taps> taps(s.out[d]);
  for (int64_t o = 0; o < s.out[d]; o++) {
    int64_t j0 = 0, j1 = s.size[d][o];  // window taps j in [j0, j1) land inside the input
    while (j0 < j1 && s.start[d][o] + j0 * s.step[d] < 0) j0++;
    while (j1 > j0 && s.start[d][o] + (j1 - 1) * s.step[d] >= s.in[d]) j1--;
    taps[o] = {s.start[d][o] + j0 * s.step[d], s.step[d], j1 - j0};
  }
  return taps;
}

// Outputs [lo, hi) along W with whole windows of equal length whose starts are `stride` apart.
struct Run {
  int64_t lo = 0, hi = 0, stride = 1;
};

Run regularRun(const PoolShape& s, const std::vector<Taps>& tw) {
  Run r;
  auto whole = [&](int64_t o) { return tw[o].count == s.size[2][o] && tw[o].first == s.start[2][o] && tw[o].count > 0; };
  while (r.lo < s.out[2] && !whole(r.lo)) r.lo++;
  r.hi = r.lo;
  while (r.hi < s.out[2] && whole(r.hi) && s.size[2][r.hi] == s.size[2][r.lo]) r.hi++;
  if (r.hi - r.lo > 1) r.stride = s.start[2][r.lo + 1] - s.start[2][r.lo];
  for (int64_t o = r.lo + 1; o < r.hi; o++) {
    if (s.start[2][o] - s.start[2][o - 1] != r.stride) r.hi = o;
  }
  return r;
}

// Ties keep the first maximum, NaN wins (the last NaN), an empty window gives -inf at -1: PyTorch's rules.
inline void consider(float v, int32_t i, float& best, int32_t& where) {
  if (where < 0 || v > best || v != v) best = v, where = i;
}

// Output ow of one output row, its window's taps in rows `rows` (input row offsets) and the columns of tw[ow].
void scalarWindow(const float* xp, const std::vector<int32_t>& rows, const Taps& w, float& best, int32_t& where) {
  best = -std::numeric_limits<float>::infinity();
  where = -1;
  for (int32_t row : rows)
    for (int64_t jw = 0, iw = w.first; jw < w.count; jw++, iw += w.step) consider(xp[row + iw], row + int32_t(iw), best, where);
}

#if defined(__SSE2__)
// Outputs [o, o + 4) of a regular run: the taps in window order (rows, then columns), four windows at once.
void fourWindows(const float* xp, const std::vector<int32_t>& rows, int64_t first, int64_t size, int64_t step, int64_t stride,
                 float* best, int32_t* where) {
  const int32_t s = int32_t(stride);
  const __m128i lanes = _mm_set_epi32(3 * s, 2 * s, s, 0);
  __m128 b = _mm_setzero_ps();
  __m128i w = _mm_set1_epi32(-1);
  bool started = false;
  for (int32_t row : rows)
    for (int64_t jw = 0; jw < size; jw++) {
      const int32_t i0 = row + int32_t(first + jw * step);
      const float* p = xp + i0;
      const __m128 v = stride == 1 ? _mm_loadu_ps(p) : _mm_set_ps(p[3 * s], p[2 * s], p[s], p[0]);
      const __m128i idx = _mm_add_epi32(_mm_set1_epi32(i0), lanes);
      if (!started) {
        b = v, w = idx, started = true;
        continue;
      }
      const __m128 take = _mm_or_ps(_mm_cmpgt_ps(v, b), _mm_cmpunord_ps(v, v));
      b = _mm_or_ps(_mm_and_ps(take, v), _mm_andnot_ps(take, b));
      const __m128i t = _mm_castps_si128(take);
      w = _mm_or_si128(_mm_and_si128(t, idx), _mm_andnot_si128(t, w));
    }
  _mm_storeu_ps(best, b);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(where), w);
}
#endif

}  // namespace

void maxPool(const PoolShape& s, const float* x, float* y, int32_t* indices) {
  const int64_t planeIn = s.in[0] * s.in[1] * s.in[2], planeOut = s.out[0] * s.out[1] * s.out[2];
  const std::vector<Taps> td = tapsOf(s, 0), th = tapsOf(s, 1), tw = tapsOf(s, 2);
  const Run run = regularRun(s, tw);
  const int64_t oW = s.out[2];
#pragma omp parallel for schedule(static) if (s.planes * planeIn >= PARALLEL_MIN)
  for (int64_t p = 0; p < s.planes; p++) {
    const float* xp = x + p * planeIn;
    std::vector<int32_t> rows;
    int64_t o = p * planeOut;
    for (const Taps& d : td)
      for (const Taps& h : th) {
        rows.clear();
        for (int64_t jd = 0, id = d.first; jd < d.count; jd++, id += d.step)
          for (int64_t jh = 0, ih = h.first; jh < h.count; jh++, ih += h.step) rows.push_back(int32_t((id * s.in[1] + ih) * s.in[2]));
        int64_t ow = 0;
#if defined(__SSE2__)
        if (!rows.empty()) {
          for (; ow < run.lo; ow++) scalarWindow(xp, rows, tw[ow], y[o + ow], indices[o + ow]);
          for (; ow + 4 <= run.hi; ow += 4) {
            fourWindows(xp, rows, tw[ow].first, tw[ow].count, tw[ow].step, run.stride, y + o + ow, indices + o + ow);
          }
        }
#endif
        for (; ow < oW; ow++) scalarWindow(xp, rows, tw[ow], y[o + ow], indices[o + ow]);
        o += oW;
      }
  }
}

}  // namespace convkit

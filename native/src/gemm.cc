// Row-major single-precision GEMM through oneDNN's sgemm (its JIT AVX-512 kernels, OpenMP threads).
#include "conv.h"
#include <stdexcept>
#include <string>

namespace convkit {

void sgemm(bool transA, bool transB, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
           const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  dnnl_status_t st = dnnl_sgemm(transA ? 'T' : 'N', transB ? 'T' : 'N', M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
  if (st != dnnl_success) throw std::runtime_error("dnnl_sgemm failed with status " + std::to_string(static_cast<int>(st)));
}

}  // namespace convkit

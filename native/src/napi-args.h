// Reading N-API arguments: typed arrays checked against the lengths the kernel will touch, numbers, booleans,
// and the guard that turns C++ exceptions into JavaScript errors. Shared by every file of entry points.
#pragma once
#include <node_api.h>
#include <pthread.h>
#include <signal.h>

#include <stdexcept>
#include <string>

namespace convkit::napi {

struct ArgError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <typename T>
T* typedArray(napi_env env, napi_value v, napi_typedarray_type want, size_t minLength, const char* what) {
  bool is = false;
  napi_is_typedarray(env, v, &is);
  if (!is) throw ArgError(std::string(what) + ": expected a typed array");
  napi_typedarray_type type;
  size_t length;
  void* data;
  napi_get_typedarray_info(env, v, &type, &length, &data, nullptr, nullptr);
  if (type != want) throw ArgError(std::string(what) + ": wrong typed array type");
  if (length < minLength) {
    throw ArgError(std::string(what) + ": expected at least " + std::to_string(minLength) + " elements, got " + std::to_string(length));
  }
  return static_cast<T*>(data);
}

inline const float* floats(napi_env env, napi_value v, size_t n, const char* what) { return typedArray<float>(env, v, napi_float32_array, n, what); }
inline float* mutableFloats(napi_env env, napi_value v, size_t n, const char* what) { return typedArray<float>(env, v, napi_float32_array, n, what); }

// The element count of a typed array (0 for anything else; typedArray then reports the type).
inline size_t lengthOf(napi_env env, napi_value v) {
  bool is = false;
  napi_is_typedarray(env, v, &is);
  size_t n = 0;
  if (is) napi_get_typedarray_info(env, v, nullptr, &n, nullptr, nullptr, nullptr);
  return n;
}

inline bool isNull(napi_env env, napi_value v) {
  napi_valuetype t;
  napi_typeof(env, v, &t);
  return t == napi_null || t == napi_undefined;
}

inline double number(napi_env env, napi_value v) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok) throw ArgError("expected a number");
  return d;
}

inline bool boolean(napi_env env, napi_value v) {
  bool b;
  if (napi_get_value_bool(env, v, &b) != napi_ok) throw ArgError("expected a boolean");
  return b;
}

// oneDNN 2.6's f32 GEMM kernels (jit_avx512_common_gemm_f32, jit_avx_gemm_f32: dnnl_sgemm, and the gemm-based
// convolutions) point rsp at a heap workspace when K is large, so a signal handled on the ordinary stack during one
// writes its frame into the heap below the workspace: glibc's "corrupted size vs. prev_size" a little later. V8's
// sampling profiler (`node --cpu-prof`) sends SIGPROF to the main thread about every millisecond. Fixed in oneDNN
// 3.11.2 and 3.12 (uxlfoundation/oneDNN#4855); distributions ship 2.x. So while an entry point runs:
// - a handler installed with SA_ONSTACK (V8's sampler is) runs on this thread's alternate signal stack, which the
//   first call gives the thread: SIGPROF stays deliverable, and a profile still sees the time spent in the addon;
// - every other asynchronous signal is held back and delivered when the call returns. OpenMP's worker threads are
//   created inside these calls, so they inherit the mask, and process-wide signals never pick them.
// Faults (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP) stay deliverable: a fault with them blocked kills silently.
class SignalsHeld {
 public:
  SignalsHeld() {
    sigset_t held;
    sigfillset(&held);
    for (int s : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP}) sigdelset(&held, s);
    if (profilerRunsOnAltStack()) sigdelset(&held, SIGPROF);
    pthread_sigmask(SIG_BLOCK, &held, &saved_);
  }
  ~SignalsHeld() { pthread_sigmask(SIG_SETMASK, &saved_, nullptr); }
  SignalsHeld(const SignalsHeld&) = delete;
  SignalsHeld& operator=(const SignalsHeld&) = delete;

 private:
  sigset_t saved_;

  static bool profilerRunsOnAltStack() {
    static thread_local bool altStack = installAltStack();
    struct sigaction sa;
    return altStack && sigaction(SIGPROF, nullptr, &sa) == 0 && (sa.sa_flags & SA_ONSTACK);
  }

  // This thread's alternate signal stack: the one it has, or a new one that is never freed (the thread may take a
  // signal on it until it exits). 256 KiB: a signal frame with AVX-512 and AMX state is about 11 KiB, and V8's
  // handler walks the JavaScript stack.
  static bool installAltStack() {
    stack_t current;
    if (sigaltstack(nullptr, &current) == 0 && !(current.ss_flags & SS_DISABLE)) return true;
    constexpr size_t SIZE = 256 * 1024;
    stack_t ss{};
    ss.ss_sp = new char[SIZE];
    ss.ss_size = SIZE;
    return sigaltstack(&ss, nullptr) == 0;
  }
};

// Runs body with signals held back or sent to the alternate stack (SignalsHeld), turning C++ exceptions (argument errors, dnnl::error) into
// JavaScript errors.
template <typename F>
napi_value guarded(napi_env env, F body) {
  SignalsHeld held;
  try {
    return body();
  } catch (const std::exception& e) {
    napi_throw_error(env, nullptr, (std::string("convkit native: ") + e.what()).c_str());
    return nullptr;
  }
}

// Reads the call's arguments into argv; the last `optional` of them may be left out (they read as undefined).
template <size_t N>
void args(napi_env env, napi_callback_info info, napi_value (&argv)[N], size_t optional = 0) {
  size_t argc = N;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc + optional < N) throw ArgError("expected " + std::to_string(N - optional) + " arguments, got " + std::to_string(argc));
}

inline void defineFunction(napi_env env, napi_value exports, const char* name, napi_callback cb) {
  napi_value fn;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, nullptr, &fn);
  napi_set_named_property(env, exports, name, fn);
}

}  // namespace convkit::napi

#pragma once
#include <node_api.h>

namespace convkit {

// Adds the training kernels' entry points (addon-training.cc) to the addon's exports.
void defineTrainingKernels(napi_env env, napi_value exports);

}  // namespace convkit

{
  "targets": [
    {
      "target_name": "convkit_native",
      "sources": ["src/addon.cc", "src/conv.cc", "src/conv_fused.cc", "src/gemm.cc", "src/elementwise.cc",
                  "src/addon-training.cc", "src/optimizer.cc", "src/pooling.cc", "src/maxpool.cc", "src/activation.cc", "src/batchnorm.cc"],
      "cflags_cc": ["-O3", "-std=c++17", "-fopenmp", "-fexceptions", "-ffp-contract=off"],
      "cflags_cc!": ["-fno-exceptions"],
      "ldflags": ["-fopenmp"],
      "libraries": ["-ldnnl"]
    }
  ]
}

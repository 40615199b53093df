{
  "targets": [
    {
      "target_name": "convkit_native",
      "sources": ["src/addon.cc", "src/conv.cc", "src/gemm.cc"],
      "cflags_cc": ["-O3", "-std=c++17", "-fopenmp", "-fexceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "ldflags": ["-fopenmp"],
      "libraries": ["-ldnnl"]
    }
  ]
}

// expect: error: include file `my_kernels_common.cuh` not found (line 3), listing the directories searched
#include <cuda_runtime.h>
#include "my_kernels_common.cuh"

__global__ void k(float *x) { x[threadIdx.x] = 0.0f; }

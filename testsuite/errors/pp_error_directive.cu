// expect: error from `#error`: "BLOCK_SIZE must be a multiple of 32" (line 6)
#include <cuda_runtime.h>

#define BLOCK_SIZE 48
#if BLOCK_SIZE % 32 != 0
#error "BLOCK_SIZE must be a multiple of 32"
#endif

__global__ void k(float *x) { x[threadIdx.x] = 0.0f; }

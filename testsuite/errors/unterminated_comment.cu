// expect: error: unterminated `/*` comment starting on line 7
#include <cuda_runtime.h>

__global__ void k(float *x, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    /* scale the input by two
    if (i < n) x[i] *= 2.0f;
}

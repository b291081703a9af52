// expect: two syntax errors, both reported in one run: missing `;` on line 7 (kernel `first`) and missing `]` on line 14 (kernel `second`)
#include <cuda_runtime.h>

__global__ void first(float *x, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    float v = 2.0f
    if (i < n) x[i] = v;
}

__global__ void second(float *x, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) x[i = x[i] * 0.5f;
}

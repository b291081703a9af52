// expect: type error: `axpy` takes 3 arguments but 2 were given (line 12); note pointing at the declaration on line 4
#include <cuda_runtime.h>

__device__ float axpy(float a, float x, float y)
{
    return a * x + y;
}

__global__ void run(const float *x, float *y, float a, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) y[i] = axpy(a, x[i]);
}

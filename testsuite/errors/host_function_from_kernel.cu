// expect: error: calling the host function `host_scale` from the `__global__` function `k` is not allowed (line 14)
#include <cuda_runtime.h>

float host_scale(float x)
{
    return x * 3.0f;
}

__global__ void k(float *x, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        float v = x[i];
        x[i] = host_scale(v);
    }
}

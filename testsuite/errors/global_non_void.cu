// expect: error: a `__global__` function must return `void`, but `sum_kernel` returns `float` (line 4)
#include <cuda_runtime.h>

__global__ float sum_kernel(const float *x, int n)
{
    float s = 0.0f;
    for (int i = 0; i < n; i++) s += x[i];
    return s;
}

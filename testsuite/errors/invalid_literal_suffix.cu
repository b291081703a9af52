// expect: error: invalid suffix `q` on floating-point literal `1.5q` (line 7)
#include <cuda_runtime.h>

__global__ void k(float *x, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) x[i] = x[i] * 1.5q;
}

// expect: error: call to undeclared function `saturate` (line 7); `__saturatef` exists in the device library
#include <cuda_runtime.h>

__global__ void clip(float *x, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) x[i] = saturate(x[i]);
}

// expect: syntax error: unexpected token `@` in an expression on line 7
#include <cuda_runtime.h>

__global__ void fill(int *out, int v, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) out[i] = v @ 2;
}

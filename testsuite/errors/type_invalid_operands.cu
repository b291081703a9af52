// expect: type error: invalid operands to binary `+`: `float2` and `int` (no operator+ is declared for them) on line 7
#include <cuda_runtime.h>

__global__ void shift(float2 *v, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) v[i] = v[i] + 1;
}

// expect: syntax error: expected `;` after the statement `c[i] = a[i] + b[i]` (line 8), pointing at `}` on line 9
#include <cuda_runtime.h>

__global__ void add(const float *a, const float *b, float *c, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n)
        c[i] = a[i] + b[i]
}

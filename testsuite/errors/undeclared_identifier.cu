// expect: error: use of undeclared identifier `blokDim` (line 6); a note may suggest `blockDim`
#include <cuda_runtime.h>

__global__ void copy(const float *in, float *out, int n)
{
    int i = blockIdx.x * blokDim.x + threadIdx.x;
    if (i < n) out[i] = in[i];
}

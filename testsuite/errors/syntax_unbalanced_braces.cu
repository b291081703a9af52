// expect: syntax error: unexpected end of file: the `{` of `scale` (line 5) is never closed
#include <cuda_runtime.h>

__global__ void scale(float *x, float s, int n)
{
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
        x[i] *= s;
}

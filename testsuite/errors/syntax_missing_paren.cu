// expect: syntax error: expected `)` to close the `if (` opened on line 7 (found `{`)
#include <cuda_runtime.h>

__global__ void clamp(float *x, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if ((i < n) && (x[i] > 1.0f) {
        x[i] = 1.0f;
    }
}

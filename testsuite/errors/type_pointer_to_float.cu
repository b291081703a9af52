// expect: type error: cannot assign a value of type `const float *` to `float` (line 7)
#include <cuda_runtime.h>

__global__ void gather(const float *in, float *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    float v = in + i;
    if (i < n) out[i] = v;
}

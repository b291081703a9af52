// expect: error: unknown type name `flaot` in include/bad_header.cuh line 7, with a note "included from error_in_included_header.cu:3"
#include <cuda_runtime.h>
#include "include/bad_header.cuh"

__global__ void blend(const float *a, const float *b, float *out, float t, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) out[i] = lerp(a[i], b[i], t);
}

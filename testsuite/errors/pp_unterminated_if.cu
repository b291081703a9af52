// expect: error: unterminated conditional: the `#ifdef` opened on line 4 (its `#else` is on line 6) has no `#endif` before the end of the file
#include <cuda_runtime.h>

#ifdef USE_FAST_MATH
#define EXP(x) __expf(x)
#else
#define EXP(x) expf(x)

__global__ void k(float *x, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) x[i] = EXP(x[i]);
}

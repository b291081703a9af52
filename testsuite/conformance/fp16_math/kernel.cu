// Half math functions: CUDA computes them in float (approximate instructions) and rounds the
// result to half, so they can differ from a correctly rounded result by one half ulp.
#include <cuda_fp16.h>

extern "C" __global__ void fp16_math(const __half* x, __half* out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    __half v = x[i];
    __half av = __habs(v);
    __half* o = out + 8 * i;
    o[0] = hexp(v);
    o[1] = hlog(av);
    o[2] = hsqrt(av);
    o[3] = hrsqrt(av);
    o[4] = hrcp(v);
    o[5] = hsin(v);
    o[6] = hcos(v);
    __half2 v2 = __halves2half2(v, av);
    __half2 e2 = h2exp2(__hmul2(v2, __float2half2_rn(0.5f)));
    o[7] = __hadd(__low2half(e2), __high2half(e2));
}

// __half2 vectorized kernels: y = a*x + y with __hfma2, and a dot product of half2 vectors
// accumulated in float (products of halves are exact in float, so fma contraction cannot
// change them), reduced with __shfl_xor_sync on float and on __half2, plus half atomics on
// integer values (exact in any order).
#include <cuda_fp16.h>

extern "C" __global__ void fp16_half2_axpy_dot(const __half2* x, __half2* y, float* dot,
                                               __half2* warp_max, __half* counts, float a,
                                               int n2)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    __half2 a2 = __float2half2_rn(a);
    float acc = 0.0f;
    __half2 m = __floats2half2_rn(-65504.0f, -65504.0f);
    if (i < n2) {
        __half2 xv = x[i];
        __half2 yv = y[i];
        float2 xf = __half22float2(xv);
        acc = xf.x * __low2float(yv) + xf.y * __high2float(yv);
        y[i] = __hfma2(a2, xv, yv);
        m = __hmax2(xv, __lowhigh2highlow(yv));
        __half one = __int2half_rn(1);
        atomicAdd(&counts[i % 37], one);
        atomicAdd((__half2*)counts + 40 + i % 5, __halves2half2(one, __float2half(2.0f)));
    }
    for (int off = 16; off > 0; off /= 2) {
        acc += __shfl_xor_sync(0xffffffffu, acc, off);
        __half2 other = __shfl_down_sync(0xffffffffu, m, off);
        m = __hmax2(m, other);
    }
    if ((threadIdx.x & 31) == 0) {
        int w = i / 32;
        dot[w] = acc;
        warp_max[w] = m;
    }
}

// Half a*b + c written with operators and with __hmul/__hadd: ptxas may contract the mul.f16
// and add.f16 that these become into one fma.f16 (as nvcc does for float), so the result is
// either the fused or the twice-rounded value. Positive inputs: the two differ by at most one
// half ulp. __hmul_rn/__hadd_rn are never contracted, and __hfma always is.
#include <cuda_fp16.h>

extern "C" __global__ void fp16_mul_add(const __half* a, const __half* b, const __half* c,
                                        __half* out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    __half x = a[i];
    __half y = b[i];
    __half z = c[i];
    out[4 * i + 0] = x * y + z;
    out[4 * i + 1] = __hadd(__hmul(x, y), z);
    out[4 * i + 2] = __hadd_rn(__hmul_rn(x, y), z);
    out[4 * i + 3] = __hfma(x, y, z);
}

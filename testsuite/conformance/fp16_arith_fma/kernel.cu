// Half arithmetic: __hadd __hsub __hmul __hdiv __hfma (inputs chosen so that rounding the
// float result of a*b+c to half would round twice), __hneg __habs __hmax __hmin, the
// operators on __half, comparisons and __hisnan / __hisinf.
#include <cuda_fp16.h>

extern "C" __global__ void fp16_arith_fma(const __half* a, const __half* b, const __half* c,
                                          __half* out, int* flags, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    __half x = a[i];
    __half y = b[i];
    __half z = c[i];
    __half* o = out + 12 * i;
    o[0] = __hadd(x, y);
    o[1] = __hsub(x, y);
    o[2] = __hmul(x, y);
    o[3] = __hdiv(x, y);
    o[4] = __hfma(x, y, z);
    o[5] = __hneg(x);
    o[6] = __habs(y);
    o[7] = __hmax(x, y);
    o[8] = __hmin(x, y);
    __half s = x;
    s += y;
    s *= z;  // a separate rounding after +=: no contraction across statements on a store
    o[9] = s;
    o[10] = x / y - z;
    o[11] = -(x + y);
    int f = 0;
    f |= __heq(x, y) ? 1 : 0;
    f |= __hne(x, y) ? 2 : 0;
    f |= __hlt(x, y) ? 4 : 0;
    f |= __hle(x, y) ? 8 : 0;
    f |= __hgt(x, y) ? 16 : 0;
    f |= __hge(x, y) ? 32 : 0;
    f |= (x == y) ? 64 : 0;
    f |= (x != y) ? 128 : 0;
    f |= (x < y) ? 256 : 0;
    f |= (x >= y) ? 512 : 0;
    f |= __hisnan(x) ? 1024 : 0;
    f |= (__hisinf(x) + 1) << 11;
    f |= __hltu(x, y) ? 8192 : 0;
    flags[i] = f;
}

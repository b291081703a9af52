// Half-precision conversions: float -> half in all four rounding modes (ties, subnormals,
// overflow, NaN) and through the converting constructor, half -> float for all 65536 bit
// patterns (the thread index is the pattern), integer <-> half and reinterpretation.
#include <cuda_fp16.h>

extern "C" __global__ void fp16_conversions(const float* x, const int* v, __half* rn, __half* rz,
                                            __half* rd, __half* ru, __half* ctor, float* to_float,
                                            __half* from_int, int* to_int, short* to_short,
                                            int nf)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < nf) {
        float f = x[i];
        rn[i] = __float2half_rn(f);
        rz[i] = __float2half_rz(f);
        rd[i] = __float2half_rd(f);
        ru[i] = __float2half_ru(f);
        __half h = f;  // the converting constructor rounds to nearest even
        ctor[i] = h;
        int k = v[i];
        from_int[6 * i + 0] = __int2half_rn(k);
        from_int[6 * i + 1] = __int2half_rz(k);
        from_int[6 * i + 2] = __int2half_rd(k);
        from_int[6 * i + 3] = __int2half_ru(k);
        from_int[6 * i + 4] = __uint2half_rn((unsigned int)k);
        from_int[6 * i + 5] = __short2half_rn((short)k);
    }
    if (i < 65536) {
        __half h = __ushort_as_half((unsigned short)i);
        float f = h;  // the conversion operator
        to_float[i] = (i & 1) != 0 ? f : __half2float(h);
        to_int[2 * i + 0] = __half2int_rz(h);
        to_int[2 * i + 1] = __half2int_rn(h);
        to_short[i] = __half2short_rz(__short_as_half(__half_as_short(h)));
    }
}

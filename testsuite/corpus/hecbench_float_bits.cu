// HeCBench-style bit manipulation: float/int punning via union and intrinsics, bit reversal, byte permutes, funnel shifts.
#include <cuda_runtime.h>
#include <stdint.h>

union FloatBits {
    float f;
    uint32_t u;
    struct {
        uint16_t lo, hi;
    } halves;
};

__device__ uint32_t float_to_ordered(float f)
{
    FloatBits b;
    b.f = f;
    return (b.u & 0x80000000u) ? ~b.u : (b.u | 0x80000000u);
}

__device__ float ordered_to_float(uint32_t u)
{
    return __uint_as_float((u & 0x80000000u) ? (u & 0x7fffffffu) : ~u);
}

__global__ void bit_tricks(const float *in, uint32_t *out, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    uint32_t u = __float_as_uint(in[i]);
    int leading = __clz((int)u), trailing = __ffs((int)u);
    uint32_t r = __brev(u);
    r ^= __byte_perm(u, r, 0x3210 + (leading & 3));
    r |= __funnelshift_l(u, r, 7);
    r &= ~(1u << (trailing % 32));
    r <<= 1, r >>= 1;
    uint32_t bits = sizeof u * 8;
    r %= bits + 1u;
    r += __popc(u) + (unsigned)__mul24(leading, trailing) + __umulhi(u, r);
    out[i] = r;
}

__global__ void sort_keys(const float *in, uint32_t *keys, float *roundtrip, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        keys[i] = float_to_ordered(in[i]);
        roundtrip[i] = ordered_to_float(keys[i]);
        float *writable = const_cast<float *>(in);
        const int64_t *as64 = reinterpret_cast<const int64_t *>(writable);
        (void)as64;
        FloatBits fb = {in[i]};
        fb.halves.hi ^= 0x8000;
        roundtrip[i] += fb.f * 0.0f;
    }
}

// 64-bit index and integer arithmetic: size_t offsets, long long products and shifts, 64-bit unsigned wrap-around.
extern "C" __global__ void int64_math(const long long* in, long long* out, unsigned long long* uout, int n)
{
    size_t gid = (size_t)blockIdx.x * (size_t)blockDim.x + threadIdx.x;
    if (gid >= (size_t)n) return;
    long long v = in[gid];
    long long big = (long long)gid * 0x100000001LL;          // crosses 2^32
    out[3 * gid]     = v * 1000000007LL + big;                // may wrap (two's complement on the GPU)
    out[3 * gid + 1] = (v >> 7) ^ (v << 13);                  // arithmetic right shift of negatives
    out[3 * gid + 2] = v / 12345LL + v % 12345LL;             // truncating division of negatives
    unsigned long long u = (unsigned long long)v;
    uout[2 * gid]     = u * 0x9E3779B97F4A7C15ULL;            // wraps modulo 2^64
    uout[2 * gid + 1] = (u >> 33) + (u << 31) - gid;
}

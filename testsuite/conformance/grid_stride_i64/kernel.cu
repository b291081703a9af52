// Grid-stride loop with size_t indices over 64-bit integers.
extern "C" __global__ void grid_stride_i64(const long long* in, long long* out, unsigned long long n)
{
    size_t stride = (size_t)blockDim.x * gridDim.x;
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += stride) {
        out[i] = in[i] * 3 - (long long)i + (long long)(i >> 3) * 1000000007LL;
    }
}

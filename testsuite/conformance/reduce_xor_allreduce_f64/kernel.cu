// Butterfly all-reduce with __shfl_xor_sync on doubles (sum and max); every lane writes its result.
extern "C" __global__ void xor_allreduce(const double* in, double* sums, double* maxs)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    double s = in[i];
    double m = in[i];
    for (int mask = 16; mask >= 1; mask >>= 1) {
        s += __shfl_xor_sync(0xffffffffu, s, mask);
        m = fmax(m, __shfl_xor_sync(0xffffffffu, m, mask));
    }
    sums[i] = s;
    maxs[i] = m;
}

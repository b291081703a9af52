// Bitonic sort of 512 keys per block in shared memory (256 threads, one comparator each per step), ascending.
#define N_PER_BLOCK 512
__device__ inline void comparator(int& a, int& b, unsigned int dir)
{
    if ((a > b) == (dir != 0)) {
        int t = a;
        a = b;
        b = t;
    }
}

extern "C" __global__ void bitonic_sort_512(int* data)
{
    __shared__ int s[N_PER_BLOCK];
    int base = blockIdx.x * N_PER_BLOCK;
    unsigned int t = threadIdx.x;
    s[t] = data[base + t];
    s[t + N_PER_BLOCK / 2] = data[base + t + N_PER_BLOCK / 2];
    for (unsigned int size = 2; size < N_PER_BLOCK; size <<= 1) {
        // alternate directions so every pair of runs forms a bitonic sequence
        unsigned int ddd = 1u ^ ((t & (size / 2)) != 0);
        for (unsigned int stride = size / 2; stride > 0; stride >>= 1) {
            __syncthreads();
            unsigned int pos = 2 * t - (t & (stride - 1));
            comparator(s[pos], s[pos + stride], ddd);
        }
    }
    for (unsigned int stride = N_PER_BLOCK / 2; stride > 0; stride >>= 1) {
        __syncthreads();
        unsigned int pos = 2 * t - (t & (stride - 1));
        comparator(s[pos], s[pos + stride], 1u);
    }
    __syncthreads();
    data[base + t] = s[t];
    data[base + t + N_PER_BLOCK / 2] = s[t + N_PER_BLOCK / 2];
}

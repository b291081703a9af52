// atomicMin / atomicMax on int, unsigned int and 64-bit, over global and shared memory.
extern "C" __global__ void atomic_min_max(const int* in, int* imin, int* imax, unsigned int* umin, unsigned int* umax,
                                          long long* lmin, unsigned long long* ulmax, int* per_block_max, int n)
{
    __shared__ int smax;
    if (threadIdx.x == 0) smax = -2147483647 - 1;
    __syncthreads();
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        int v = in[i];
        atomicMin(imin, v);
        atomicMax(imax, v);
        atomicMin(umin, (unsigned int)v);
        atomicMax(umax, (unsigned int)v);
        atomicMin(lmin, (long long)v * 1000003LL);
        atomicMax(ulmax, (unsigned long long)(unsigned int)v << 20);
        atomicMax(&smax, v ^ 0x5555);
    }
    __syncthreads();
    if (threadIdx.x == 0) per_block_max[blockIdx.x] = smax;
}

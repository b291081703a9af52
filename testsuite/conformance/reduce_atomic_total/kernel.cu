// Block reduction in shared memory followed by one global atomicAdd per block (integer: order does not matter).
extern "C" __global__ void reduce_to_total(const int* in, unsigned long long* total, int* block_sums, int n)
{
    __shared__ int s[128];
    int tid = threadIdx.x;
    int i = blockIdx.x * blockDim.x + tid;
    s[tid] = i < n ? in[i] : 0;
    __syncthreads();
    for (int step = blockDim.x / 2; step > 0; step >>= 1) {
        if (tid < step) s[tid] += s[tid + step];
        __syncthreads();
    }
    if (tid == 0) {
        block_sums[blockIdx.x] = s[0];
        atomicAdd(total, (unsigned long long)(long long)s[0]);
    }
}

// Reduction with the last warp unrolled (Volta-safe: __syncwarp between steps), template block size.
template <unsigned int BS>
__device__ void warp_reduce(int* s, unsigned int tid)
{
    int v = s[tid];
    if (BS >= 64) { v += s[tid + 32]; __syncwarp(); s[tid] = v; __syncwarp(); }
    v += s[tid + 16]; __syncwarp(); s[tid] = v; __syncwarp();
    v += s[tid + 8];  __syncwarp(); s[tid] = v; __syncwarp();
    v += s[tid + 4];  __syncwarp(); s[tid] = v; __syncwarp();
    v += s[tid + 2];  __syncwarp(); s[tid] = v; __syncwarp();
    v += s[tid + 1];  __syncwarp(); s[tid] = v;
}

template <unsigned int BS>
__device__ void reduce_block(const int* in, int* out, unsigned int n)
{
    __shared__ int s[BS];
    unsigned int tid = threadIdx.x;
    unsigned int gridSize = BS * 2 * gridDim.x;
    int sum = 0;
    for (unsigned int i = blockIdx.x * BS * 2 + tid; i < n; i += gridSize) {
        sum += in[i];
        if (i + BS < n) sum += in[i + BS];
    }
    s[tid] = sum;
    __syncthreads();
    if (BS >= 256) { if (tid < 128) s[tid] += s[tid + 128]; __syncthreads(); }
    if (BS >= 128) { if (tid < 64) s[tid] += s[tid + 64]; __syncthreads(); }
    if (tid < 32) warp_reduce<BS>(s, tid);
    if (tid == 0) out[blockIdx.x] = s[0];
}

extern "C" __global__ void reduce_unrolled_256(const int* in, int* out, unsigned int n)
{
    reduce_block<256>(in, out, n);
}

// Block sum reduction with warp shuffles (each thread first adds two elements; each warp sums
// its 32 values with __shfl_down_sync, the first warp sums the warps' results), one partial
// sum per block. Block size must be WARP_REDUCE_BLOCK.
#define WARP_REDUCE_BLOCK 256
extern "C" __global__ void reduce_warp(const float* in, float* partial, unsigned int n)
{
    __shared__ float warp_sums[WARP_REDUCE_BLOCK / 32];
    unsigned int i = blockIdx.x * (blockDim.x * 2) + threadIdx.x;
    float v = 0.0f;
    if (i < n) v = in[i];
    if (i + blockDim.x < n) v += in[i + blockDim.x];
    for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_down_sync(0xffffffffu, v, offset);
    unsigned int lane = threadIdx.x % 32;
    unsigned int warp = threadIdx.x / 32;
    if (lane == 0) warp_sums[warp] = v;
    __syncthreads();
    if (warp == 0) {
        v = lane < blockDim.x / 32 ? warp_sums[lane] : 0.0f;
        for (int offset = 16; offset > 0; offset >>= 1) v += __shfl_down_sync(0xffffffffu, v, offset);
        if (lane == 0) partial[blockIdx.x] = v;
    }
}

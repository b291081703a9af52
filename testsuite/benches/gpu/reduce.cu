// Block sum reduction in shared memory (sequential addressing; each thread first adds two
// elements), one partial sum per block. Block size must be REDUCE_BLOCK.
#define REDUCE_BLOCK 256
extern "C" __global__ void reduce(const float* in, float* partial, unsigned int n)
{
    __shared__ float sdata[REDUCE_BLOCK];
    unsigned int tid = threadIdx.x;
    unsigned int i = blockIdx.x * (blockDim.x * 2) + threadIdx.x;
    float v = 0.0f;
    if (i < n) v = in[i];
    if (i + blockDim.x < n) v += in[i + blockDim.x];
    sdata[tid] = v;
    __syncthreads();
    for (unsigned int s = blockDim.x / 2; s > 0; s >>= 1) {
        if (tid < s) sdata[tid] += sdata[tid + s];
        __syncthreads();
    }
    if (tid == 0) partial[blockIdx.x] = sdata[0];
}

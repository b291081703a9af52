// CUDA-samples-style reduction #7: warp shuffles, one shared slot per warp, __launch_bounds__.
#include <cuda_runtime.h>

#define FULL_MASK 0xffffffffu
#define WARP_SIZE 32

__device__ __forceinline__ float warpReduceSum(float val)
{
#pragma unroll
    for (int offset = WARP_SIZE / 2; offset > 0; offset /= 2)
        val += __shfl_down_sync(FULL_MASK, val, offset);
    return val;
}

__device__ __forceinline__ double warpReduceSum(double val)
{
    for (int mask = 16; mask >= 1; mask >>= 1) val += __shfl_xor_sync(FULL_MASK, val, mask, 32);
    return val;
}

__global__ void __launch_bounds__(1024) reduce7(const float *__restrict__ in, float *__restrict__ out, size_t n)
{
    __shared__ float warpSums[1024 / WARP_SIZE];
    int lane = threadIdx.x % WARP_SIZE;
    int warpId = threadIdx.x / WARP_SIZE;
    float sum = 0.0f;
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n; i += (size_t)blockDim.x * gridDim.x)
        sum += in[i];
    sum = warpReduceSum(sum);
    if (lane == 0) warpSums[warpId] = sum;
    __syncthreads();
    unsigned int numWarps = (blockDim.x + WARP_SIZE - 1) / WARP_SIZE;
    sum = (threadIdx.x < numWarps) ? warpSums[lane] : 0.0f;
    if (warpId == 0) {
        sum = warpReduceSum(sum);
        if (lane == 0) atomicAdd(out, sum);
    }
}

__global__ void __launch_bounds__(256, 4) reduceDouble(const double *in, double *out, int n)
{
    double v = 0.0;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) v += in[i];
    v = warpReduceSum(v);
    if ((threadIdx.x & (WARP_SIZE - 1)) == 0) atomicAdd(out, v);
}

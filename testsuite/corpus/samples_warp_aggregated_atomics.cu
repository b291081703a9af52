// CUDA-samples-style warpAggregatedAtomics: stream compaction where one lane per warp does the atomic.
#include <cuda_runtime.h>

__device__ unsigned int g_numFiltered = 0;

__device__ __forceinline__ int laneId() { return threadIdx.x & 31; }

__device__ int atomicAggInc(unsigned int *ctr)
{
    unsigned int active = __activemask();
    int leader = __ffs(active) - 1;
    int change = __popc(active);
    unsigned int lane_mask_lt = (1u << laneId()) - 1;
    unsigned int rank = __popc(active & lane_mask_lt);
    int warp_res;
    if (rank == 0) warp_res = atomicAdd(ctr, change);
    warp_res = __shfl_sync(active, warp_res, leader);
    return warp_res + rank;
}

__global__ void filter_arr(int *dst, unsigned int *nres, const int *src, int n)
{
    int id = threadIdx.x + blockIdx.x * blockDim.x;
    if (id >= n) return;
    if (src[id] > 0) dst[atomicAggInc(nres)] = src[id];
}

__global__ void filter_global_counter(int *dst, const int *src, int n)
{
    for (int id = threadIdx.x + blockIdx.x * blockDim.x; id < n; id += blockDim.x * gridDim.x) {
        if (src[id] % 2 == 0) continue;
        unsigned int slot = atomicAggInc(&g_numFiltered);
        dst[slot] = src[id];
    }
}

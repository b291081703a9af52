// Warp-aggregated atomic increments (CUDA samples style): filter positive values into a compacted output.
// The positions depend on atomic order, so the kernel also counts per-warp totals that do not.
__device__ int atomic_agg_inc(int* ctr)
{
    unsigned int active = __activemask();
    int leader = __ffs(active) - 1;
    int change = __popc(active);
    unsigned int lane_mask_lt = (1u << (threadIdx.x & 31)) - 1u;
    unsigned int rank = __popc(active & lane_mask_lt);
    int warp_res = 0;
    if ((int)(threadIdx.x & 31) == leader) warp_res = atomicAdd(ctr, change);
    warp_res = __shfl_sync(active, warp_res, leader);
    return warp_res + (int)rank;
}

extern "C" __global__ void filter_count(const int* in, int* count, int* flags, int* warp_counts, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    int pos = 0;
    unsigned int good = __ballot_sync(0xffffffffu, i < n && in[i] > 0);
    if (i < n && in[i] > 0) {
        pos = atomic_agg_inc(count);
        atomicOr(&flags[pos / 32], 1 << (pos % 32));   // the set of claimed slots is order independent
    }
    if ((threadIdx.x & 31) == 0) warp_counts[i / 32] = __popc(good);
}

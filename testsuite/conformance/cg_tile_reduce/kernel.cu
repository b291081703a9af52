// Cooperative groups: cg::reduce over thread_block_tile<32>, <16>, <8> and <4> with cg::plus,
// cg::greater, cg::less, cg::bit_and, cg::bit_or and cg::bit_xor, then a block sum from the warp
// sums indexed by meta_group_rank(). The float inputs are multiples of 1/64 below 64, so every
// partial sum is exact and the result does not depend on the order of the additions.
#include <climits>
#include <cooperative_groups.h>
#include <cooperative_groups/reduce.h>

namespace cg = cooperative_groups;

extern "C" __global__ void cg_tile_reduce(const float *vals, const int *keys, int n,
                                          float *warp_sums, int *tile8_max, int *tile4_min,
                                          unsigned int *tile16_bits, float *block_sums)
{
    __shared__ float partial[32];
    cg::thread_block block = cg::this_thread_block();
    cg::thread_block_tile<32> warp = cg::tiled_partition<32>(block);
    cg::thread_block_tile<16> tile16 = cg::tiled_partition<16>(block);
    cg::thread_block_tile<8> tile8 = cg::tiled_partition<8>(block);
    cg::thread_block_tile<4> tile4 = cg::tiled_partition<4>(block);

    int i = blockIdx.x * block.size() + block.thread_rank();
    float v = i < n ? vals[i] : 0.0f;
    int k = i < n ? keys[i] : 0;

    float wsum = cg::reduce(warp, v, cg::plus<float>());
    int kmax = cg::reduce(tile8, k, cg::greater<int>());
    int kmin = cg::reduce(tile4, k, cg::less<int>());
    unsigned int u = (unsigned int)k * 2654435761u;
    unsigned int band = cg::reduce(tile16, u, cg::bit_and<unsigned int>());
    unsigned int bor = cg::reduce(tile16, u, cg::bit_or<unsigned int>());
    unsigned int bxor = cg::reduce(tile16, u, cg::bit_xor<unsigned int>());

    int warp_id = blockIdx.x * warp.meta_group_size() + warp.meta_group_rank();
    if (warp.thread_rank() == 0) {
        warp_sums[warp_id] = wsum;
        partial[warp.meta_group_rank()] = wsum;
    }
    int t8 = blockIdx.x * tile8.meta_group_size() + tile8.meta_group_rank();
    if (tile8.thread_rank() == 7) {
        tile8_max[t8] = kmax;
    }
    int t4 = blockIdx.x * tile4.meta_group_size() + tile4.meta_group_rank();
    if (tile4.thread_rank() == 1) {
        tile4_min[t4] = kmin;
    }
    int t16 = blockIdx.x * tile16.meta_group_size() + tile16.meta_group_rank();
    if (tile16.thread_rank() == 15) {
        tile16_bits[3 * t16 + 0] = band;
        tile16_bits[3 * t16 + 1] = bor;
        tile16_bits[3 * t16 + 2] = bxor;
    }
    block.sync();
    if (warp.meta_group_rank() == 0) {
        float p = warp.thread_rank() < warp.meta_group_size() ? partial[warp.thread_rank()] : 0.0f;
        float total = cg::reduce(warp, p, cg::plus<float>());
        if (warp.thread_rank() == 0) {
            block_sums[blockIdx.x] = total;
        }
    }
}

// Cooperative groups: thread_block_tile<4>, <8> and <16> collectives (shfl, shfl_up, shfl_down,
// shfl_xor, any, all, ballot, match_any), thread_rank, num_threads, meta_group_rank and
// meta_group_size, a tile of a tile (tiled_partition<4> of a thread_block_tile<16>), and the
// free functions cg::thread_rank and cg::group_size, and labeled_partition / binary_partition
// of a thread_block_tile<32>. A tile's collectives use its own lane
// mask and width: sources outside the tile never leak in.
#include <cooperative_groups.h>
#include <cooperative_groups/reduce.h>

namespace cg = cooperative_groups;

template <unsigned int N>
__device__ void tile_ops(const cg::thread_block_tile<N> &t, int v, int *out)
{
    out[0] = t.shfl(v, (int)(t.thread_rank() * 3 + 1) % (int)N);
    out[1] = t.shfl_up(v, 1);
    out[2] = t.shfl_down(v, 2);
    out[3] = t.shfl_xor(v, N / 2);
    out[4] = t.any(v > 90);
    out[5] = t.all(v >= 0);
    out[6] = (int)t.ballot(v % 2 == 0);
    out[7] = (int)t.match_any(v % 3);
    out[8] = (int)(t.meta_group_rank() * 1000 + t.meta_group_size() * 10) + (int)t.thread_rank();
    out[9] = (int)t.num_threads();
}

extern "C" __global__ void cg_tile_shuffles(const int *in, int *out)
{
    cg::thread_block block = cg::this_thread_block();
    unsigned int gid = blockIdx.x * blockDim.x + threadIdx.x;
    int v = in[gid];
    int *o = out + gid * 38;

    cg::thread_block_tile<4> t4 = cg::tiled_partition<4>(block);
    cg::thread_block_tile<8> t8 = cg::tiled_partition<8>(block);
    cg::thread_block_tile<16> t16 = cg::tiled_partition<16>(block);
    tile_ops(t4, v, o);
    tile_ops(t8, v, o + 10);
    tile_ops(t16, v, o + 20);

    // A tile of a tile: ranks and meta ranks are relative to the parent tile.
    cg::thread_block_tile<4> sub = cg::tiled_partition<4>(t16);
    o[30] = (int)(sub.meta_group_rank() * 100 + sub.meta_group_size());
    o[31] = sub.shfl(v * 2, 3);
    o[32] = (int)cg::thread_rank(t8);
    o[33] = (int)cg::group_size(t16);
    t16.sync();
    cg::sync(t4);
    o[34] = (int)block.thread_rank();
    o[35] = (int)block.size();

    // labeled_partition / binary_partition of a warp tile.
    cg::thread_block_tile<32> t32 = cg::tiled_partition<32>(block);
    cg::coalesced_group lab = cg::labeled_partition(t32, v % 4);
    o[36] = (int)(lab.size() * 100 + lab.thread_rank());
    cg::coalesced_group bin = cg::binary_partition(t32, v >= 50);
    o[37] = cg::reduce(bin, v, cg::greater<int>());
}

// Cooperative groups: cg::memcpy_async of a block's segment (plus a halo) from global into
// shared memory by the whole block, cg::wait(block), then a 3-point stencil from shared memory;
// a second copy by each thread_block_tile<32> of its own slice (an odd byte count) with
// cg::wait(tile). Also the type-erased thread_group: the dynamic tiled_partition(block, 16), its
// thread_rank / size / sync, and grid_group ranks (this_grid(), is_valid() is false without a
// cooperative launch).
#include <cooperative_groups.h>
#include <cooperative_groups/memcpy_async.h>

namespace cg = cooperative_groups;

#define SEG 128

__device__ unsigned int group_info(const cg::thread_group &g)
{
    g.sync();
    return g.thread_rank() * 100 + g.size();
}

extern "C" __global__ void cg_memcpy_async(const float *in, int n, float *out,
                                           const unsigned char *bytes, unsigned char *bytes_out,
                                           unsigned int *ranks)
{
    __shared__ float seg[SEG + 2];
    __shared__ unsigned char raw[4 * 37];
    cg::thread_block block = cg::this_thread_block();
    int first = blockIdx.x * SEG;

    // seg[j] holds in[first - 1 + j]; the edges of the input are read as zero.
    int lo = first - 1 < 0 ? 0 : first - 1;
    int hi = first + SEG + 1 > n ? n : first + SEG + 1;
    for (int j = block.thread_rank(); j < SEG + 2; j += block.size()) {
        seg[j] = 0.0f;
    }
    block.sync();
    cg::memcpy_async(block, seg + (lo - (first - 1)), in + lo, sizeof(float) * (hi - lo));
    cg::wait(block);
    for (int j = block.thread_rank(); j < SEG; j += block.size()) {
        if (first + j < n) {
            out[first + j] = 0.25f * seg[j] + 0.5f * seg[j + 1] + 0.25f * seg[j + 2];
        }
    }

    // Each warp copies its own 37 bytes (odd, unaligned size) and then reverses them.
    cg::thread_block_tile<32> warp = cg::tiled_partition<32>(block);
    unsigned int w = warp.meta_group_rank();
    const unsigned char *src = bytes + (blockIdx.x * warp.meta_group_size() + w) * 37;
    cg::memcpy_async(warp, raw + w * 37, src, 37);
    cg::wait(warp);
    for (unsigned int j = warp.thread_rank(); j < 37; j += warp.size()) {
        bytes_out[(blockIdx.x * warp.meta_group_size() + w) * 37 + j] = raw[w * 37 + 36 - j] ^ 0x5a;
    }

    cg::grid_group grid = cg::this_grid();
    unsigned long long r = grid.thread_rank();
    cg::thread_group tile16 = cg::tiled_partition(block, 16);
    unsigned int *o = ranks + r * 4;
    o[0] = (unsigned int)r;
    o[1] = (unsigned int)grid.size() + (grid.is_valid() ? 1000000u : 0u);
    o[2] = group_info(tile16);
    o[3] = group_info(block);
}

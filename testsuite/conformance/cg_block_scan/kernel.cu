// Cooperative groups: a block-wide scan over a 2D block (32 x 8 threads) built from
// thread_block + tiled_partition<32> + cg::inclusive_scan / cg::exclusive_scan: each warp scans,
// warp totals go to shared memory at meta_group_rank(), one warp scans the totals, and every
// thread adds its warp's offset. Also a float inclusive scan with cg::plus and an integer
// exclusive scan with cg::greater (a running maximum), and the block's dim3 accessors.
// The float values are multiples of 1/16 below 16, so their sums are exact.
#include <cooperative_groups.h>
#include <cooperative_groups/scan.h>

namespace cg = cooperative_groups;

extern "C" __global__ void cg_block_scan(const int *in, const float *fin, int *incl, int *excl,
                                         float *fincl, int *runmax, unsigned int *dims)
{
    __shared__ int warp_totals[32];
    cg::thread_block block = cg::this_thread_block();
    cg::thread_block_tile<32> warp = cg::tiled_partition<32>(block);

    unsigned int gid = blockIdx.x * block.size() + block.thread_rank();
    int v = in[gid];

    int wincl = cg::inclusive_scan(warp, v);
    if (warp.thread_rank() == warp.size() - 1) {
        warp_totals[warp.meta_group_rank()] = wincl;
    }
    block.sync();
    if (warp.meta_group_rank() == 0) {
        int t = warp.thread_rank() < warp.meta_group_size() ? warp_totals[warp.thread_rank()] : 0;
        warp_totals[warp.thread_rank()] = cg::exclusive_scan(warp, t);
    }
    block.sync();
    int offset = warp_totals[warp.meta_group_rank()];
    incl[gid] = wincl + offset;
    excl[gid] = wincl - v + offset;

    float f = fin[gid];
    fincl[gid] = cg::inclusive_scan(warp, f, cg::plus<float>());
    runmax[gid] = cg::exclusive_scan(warp, v, cg::greater<int>());

    if (block.thread_rank() == 0) {
        dim3 gi = block.group_index();
        dim3 ti = block.thread_index();
        dim3 gd = block.group_dim();
        dim3 dt = block.dim_threads();
        unsigned int *d = dims + blockIdx.x * 8;
        d[0] = gi.x;
        d[1] = gi.y;
        d[2] = ti.x + ti.y + ti.z;
        d[3] = gd.x;
        d[4] = gd.y;
        d[5] = dt.x * dt.y * dt.z;
        d[6] = block.num_threads();
        d[7] = warp.meta_group_size();
    }
}

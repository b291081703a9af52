// Cooperative groups: coalesced_threads() inside a divergent branch. Threads with a positive
// value claim a slot of a compacted output with one atomicAdd per coalesced group (warp-aggregated
// atomics, CUDA samples style): the group's rank 0 reserves size() slots and broadcasts the base
// with shfl. Each thread also records its group's size, its rank, a ballot packed by rank,
// shfl_up / shfl_down by rank, and cg::reduce and cg::exclusive_scan over the partial group.
// The block (100 threads) ends with a partial warp.
#include <cooperative_groups.h>
#include <cooperative_groups/reduce.h>
#include <cooperative_groups/scan.h>

namespace cg = cooperative_groups;

extern "C" __global__ void cg_coalesced_atomics(const int *in, int n, int *count, int *slots,
                                                int *info)
{
    unsigned int gid = blockIdx.x * blockDim.x + threadIdx.x;
    if (gid >= n) {
        return;
    }
    int v = in[gid];
    int *o = info + gid * 8;
    if (v > 0) {
        cg::coalesced_group active = cg::coalesced_threads();
        int base = 0;
        if (active.thread_rank() == 0) {
            base = atomicAdd(count, (int)active.size());
        }
        base = active.shfl(base, 0);
        // Which slot a thread gets depends on the order of the atomics between groups; the set of
        // claimed slots does not.
        int pos = base + (int)active.thread_rank();
        atomicOr(&slots[pos / 32], 1 << (pos % 32));
        o[0] = (int)active.size();
        o[1] = (int)active.thread_rank();
        o[2] = (int)active.ballot(v % 2 == 1);
        o[3] = active.shfl_up(v, 1);
        o[4] = active.shfl_down(v, 2);
        o[5] = cg::reduce(active, v, cg::plus<int>());
        o[6] = cg::exclusive_scan(active, v);
        o[7] = active.any(v > 8) * 2 + active.all(v < 9);
    } else {
        cg::coalesced_group idle = cg::coalesced_threads();
        o[0] = -(int)idle.size();
        o[1] = (int)idle.thread_rank();
        o[5] = cg::reduce(idle, v, cg::less<int>());
        o[6] = cg::inclusive_scan(idle, -v, cg::greater<int>());
    }
}

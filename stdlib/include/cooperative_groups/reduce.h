/* cwcc device library: <cooperative_groups/reduce.h>, cg::reduce and its operators */
#ifndef CWCC_COOPERATIVE_GROUPS_REDUCE_H_INCLUDED
#define CWCC_COOPERATIVE_GROUPS_REDUCE_H_INCLUDED

/*
 * cg::reduce(group, value, op) over a thread_block_tile<N> or a coalesced_group, with the
 * function objects cg::plus, cg::less (minimum), cg::greater (maximum), cg::bit_and, cg::bit_or
 * and cg::bit_xor (or any function object taking two values).
 * The operations are applied in the order CUDA applies them, so float results match bit for bit:
 * a tile combines with shfl_xor at distances N/2, N/4, ..., 1; a full coalesced group combines
 * with shfl_down at 16, 8, ..., 1 and broadcasts rank 0; a partial coalesced group takes the
 * last rank of an inclusive scan.
 */

#include <cooperative_groups.h>
#include <cooperative_groups/details/functional.h>
#include <cooperative_groups/details/coalesced_scan.h>

namespace cooperative_groups {

template <unsigned int Size, typename ParentT, typename T, typename Op>
__device__ __forceinline__ T reduce(const thread_block_tile<Size, ParentT> &group, T value, Op op) {
    T out = value;
    for (unsigned int lane_mask = Size >> 1; lane_mask > 0u; lane_mask >>= 1) {
        out = op(out, group.shfl_xor(out, lane_mask));
    }
    return out;
}

template <typename T, typename Op>
__device__ __forceinline__ T reduce(const coalesced_group &group, T value, Op op) {
    T result;
    if (group.size() == 32u) {
        T out = value;
        for (unsigned int delta = 16u; delta > 0u; delta >>= 1) {
            out = op(out, group.shfl_down(out, delta));
        }
        result = group.shfl(out, 0);
    } else {
        T scanned = details::inclusive_scan_ranks(group, value, op);
        result = group.shfl(scanned, (int)group.size() - 1);
    }
    return result;
}

} /* namespace cooperative_groups */

#endif /* CWCC_COOPERATIVE_GROUPS_REDUCE_H_INCLUDED */

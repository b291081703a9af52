/* cwcc device library: the inclusive scan behind cg::reduce and cg::*_scan */
#ifndef CWCC_COOPERATIVE_GROUPS_COALESCED_SCAN_H_INCLUDED
#define CWCC_COOPERATIVE_GROUPS_COALESCED_SCAN_H_INCLUDED

#include <cooperative_groups.h>

namespace cooperative_groups {
namespace details {

/* Hillis-Steele inclusive scan by group rank: at distance d = 1, 2, 4, ... a member of rank
   r >= d combines its value with the one of rank r - d, as op(mine, theirs). The loop runs to
   the group type's largest size, the same count in every thread (steps at distances beyond
   the group's size change nothing), so that targets that run a block's threads in lockstep
   can run it. */
template <typename Group, typename T, typename Op>
__device__ __forceinline__ T inclusive_scan_ranks(const Group &group, T value, Op op) {
    T out = value;
    unsigned int rank = group.thread_rank();
    for (unsigned int delta = 1u; delta < Group::max_size; delta <<= 1) {
        T other = group.shfl_up(out, delta);
        if (delta <= rank) {
            out = op(out, other);
        }
    }
    return out;
}

} /* namespace details */
} /* namespace cooperative_groups */

#endif /* CWCC_COOPERATIVE_GROUPS_COALESCED_SCAN_H_INCLUDED */

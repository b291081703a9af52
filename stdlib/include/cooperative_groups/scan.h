/* cwcc device library: <cooperative_groups/scan.h>, cg::inclusive_scan and cg::exclusive_scan */
#ifndef CWCC_COOPERATIVE_GROUPS_SCAN_H_INCLUDED
#define CWCC_COOPERATIVE_GROUPS_SCAN_H_INCLUDED

/*
 * Scans over a thread_block_tile<N> or a coalesced_group, by group rank, with cg::plus (the
 * default) or any function object of two values. inclusive_scan combines at distances
 * 1, 2, 4, ... (Hillis-Steele), as CUDA does; exclusive_scan shifts the inclusive result up one
 * rank (rank 0 gets T()), except for integer sums, where it is the inclusive sum minus the
 * member's own value (as in CUDA).
 */

#include <cooperative_groups.h>
#include <cooperative_groups/details/functional.h>
#include <cooperative_groups/details/coalesced_scan.h>

namespace cooperative_groups {

namespace details {

/* Whether the exclusive scan of (T, Op) is an integer sum. */
template <typename T, typename Op>
struct integer_plus {
    static const bool value = false;
};
template <> struct integer_plus<int, plus<int> > { static const bool value = true; };
template <> struct integer_plus<unsigned int, plus<unsigned int> > { static const bool value = true; };
template <> struct integer_plus<long, plus<long> > { static const bool value = true; };
template <> struct integer_plus<unsigned long, plus<unsigned long> > { static const bool value = true; };
template <> struct integer_plus<long long, plus<long long> > { static const bool value = true; };
template <> struct integer_plus<unsigned long long, plus<unsigned long long> > { static const bool value = true; };

} /* namespace details */

template <typename Group, typename T, typename Op>
__device__ __forceinline__ T inclusive_scan(const Group &group, T value, Op op) {
    return details::inclusive_scan_ranks(group, value, op);
}

template <typename Group, typename T>
__device__ __forceinline__ T inclusive_scan(const Group &group, T value) {
    return details::inclusive_scan_ranks(group, value, plus<T>());
}

template <typename Group, typename T, typename Op>
__device__ __forceinline__ T exclusive_scan(const Group &group, T value, Op op) {
    T inclusive = details::inclusive_scan_ranks(group, value, op);
    if (details::integer_plus<T, Op>::value) {
        return inclusive - value;
    }
    T shifted = group.shfl_up(inclusive, 1u);
    if (group.thread_rank() == 0u) {
        return T();
    }
    return shifted;
}

template <typename Group, typename T>
__device__ __forceinline__ T exclusive_scan(const Group &group, T value) {
    return exclusive_scan(group, value, plus<T>());
}

} /* namespace cooperative_groups */

#endif /* CWCC_COOPERATIVE_GROUPS_SCAN_H_INCLUDED */

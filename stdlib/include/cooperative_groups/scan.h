/* cwcc device library: <cooperative_groups/scan.h>, cg::inclusive_scan and cg::exclusive_scan */
#ifndef CWCC_COOPERATIVE_GROUPS_SCAN_H_INCLUDED
#define CWCC_COOPERATIVE_GROUPS_SCAN_H_INCLUDED

/*
 * Scans over a thread_block_tile<N> or a coalesced_group, by group rank, with cg::plus (the
 * default) or any function object of two values. inclusive_scan combines at distances
 * 1, 2, 4, ... (Hillis-Steele), as CUDA does; exclusive_scan shifts the inclusive result up one
 * rank (rank 0 gets T()). For integer sums CUDA subtracts the member's own value from the
 * inclusive sum instead, which gives the same integers.
 */

#include <cooperative_groups.h>
#include <cooperative_groups/details/functional.h>
#include <cooperative_groups/details/coalesced_scan.h>

namespace cooperative_groups {

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
    T shifted = group.shfl_up(inclusive, 1u);
    return group.thread_rank() == 0u ? T() : shifted;
}

template <typename Group, typename T>
__device__ __forceinline__ T exclusive_scan(const Group &group, T value) {
    return exclusive_scan(group, value, plus<T>());
}

} /* namespace cooperative_groups */

#endif /* CWCC_COOPERATIVE_GROUPS_SCAN_H_INCLUDED */

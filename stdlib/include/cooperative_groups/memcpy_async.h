/* cwcc device library: <cooperative_groups/memcpy_async.h>, cg::memcpy_async and cg::wait */
#ifndef CWCC_COOPERATIVE_GROUPS_MEMCPY_ASYNC_H_INCLUDED
#define CWCC_COOPERATIVE_GROUPS_MEMCPY_ASYNC_H_INCLUDED

/*
 * cg::memcpy_async(group, dst, src, bytes) copies `bytes` bytes with the threads of `group`
 * (a thread_block, a thread_block_tile or a coalesced group): thread r copies the elements
 * r, r + size, r + 2 size, ... The copy is complete when the call returns in each thread;
 * cg::wait(group) and cg::wait_prior<N>(group) synchronize the group, after which every
 * member sees the whole copy, as CUDA promises.
 * Words of four bytes are copied when both addresses and the size are multiples of four.
 */

#include <cooperative_groups.h>
#include <stddef.h>

namespace cooperative_groups {

template <typename Group>
__device__ __forceinline__ void memcpy_async(const Group &group, void *dst, const void *src,
                                             size_t bytes) {
    size_t rank = group.thread_rank();
    size_t size = group.size();
    if ((((size_t)dst | (size_t)src | bytes) & 3u) == 0u) {
        unsigned int *d = (unsigned int *)dst;
        const unsigned int *s = (const unsigned int *)src;
        for (size_t i = rank; i < bytes / 4u; i += size) {
            d[i] = s[i];
        }
    } else {
        unsigned char *d = (unsigned char *)dst;
        const unsigned char *s = (const unsigned char *)src;
        for (size_t i = rank; i < bytes; i += size) {
            d[i] = s[i];
        }
    }
}

/* Waits for the group's earlier memcpy_async calls: a barrier of the group. */
template <typename Group>
__device__ __forceinline__ void wait(const Group &group) {
    group.sync();
}

/* Waits until at most N memcpy_async calls are pending: they are never pending with cwcc. */
template <unsigned int N, typename Group>
__device__ __forceinline__ void wait_prior(const Group &group) {
    group.sync();
}

} /* namespace cooperative_groups */

#endif /* CWCC_COOPERATIVE_GROUPS_MEMCPY_ASYNC_H_INCLUDED */

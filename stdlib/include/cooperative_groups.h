/* cwcc device library: <cooperative_groups.h>, CUDA's cooperative groups */
#ifndef CWCC_COOPERATIVE_GROUPS_H_INCLUDED
#define CWCC_COOPERATIVE_GROUPS_H_INCLUDED

/*
 * Cooperative groups written over cwcc's warp and barrier builtins (CUDA C++ Programming Guide,
 * "Cooperative Groups"):
 *
 * - thread_block / this_thread_block(): the block; sync() is __syncthreads().
 * - thread_block_tile<N> (N = 1, 2, 4, 8, 16, 32) from tiled_partition<N>(parent): N consecutive
 *   threads of a warp; its collectives use the tile's lane mask and width N, as CUDA does.
 *   tiled_partition<N> returns thread_block_tile<N> (parent type void), which converts to
 *   thread_block_tile<N, ParentT> (CUDA returns the latter, which converts to the former).
 * - coalesced_group / coalesced_threads(): the lanes of the warp active at the call
 *   (__activemask()); ranks count the active lanes below the caller.
 * - thread_group: the type-erased group (a block, a tile or a coalesced group), and the
 *   dynamic tiled_partition(parent, n).
 * - labeled_partition(g, label) and binary_partition(g, predicate) of a tile or a coalesced
 *   group: the members with the caller's label (predicate) as a coalesced group.
 * - grid_group / this_grid(): ranks and sizes over the whole grid. cwcc never launches kernels
 *   cooperatively, so is_valid() is false (as CUDA reports for an ordinary launch) and sync()
 *   is a compile-time error where it is called.
 *
 * Threads are ranked in a block as x + y * blockDim.x + z * blockDim.x * blockDim.y, and a
 * warp is 32 consecutive ranks, as on NVIDIA GPUs.
 */

#include <device_functions.h>
#include <device_launch_parameters.h>
#include <sm_30_intrinsics.h>
#include <vector_types.h>

namespace cooperative_groups {

namespace details {

/* The calling thread's rank in its block. */
__device__ __forceinline__ unsigned int cta_thread_rank() {
    return threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z);
}

/* The number of threads in the block. */
__device__ __forceinline__ unsigned int cta_size() {
    return blockDim.x * blockDim.y * blockDim.z;
}

/* The calling thread's lane in its warp. */
__device__ __forceinline__ unsigned int laneid() {
    return cta_thread_rank() & 31u;
}

/* The lanes below the caller's. */
__device__ __forceinline__ unsigned int lanemask_lt() {
    return (1u << laneid()) - 1u;
}

/* The lane of the set bit of `mask` with index `n` (0 = lowest); 32 when there is none. */
__device__ __forceinline__ unsigned int nth_lane(unsigned int mask, unsigned int n) {
    unsigned int seen = 0;
    for (unsigned int lane = 0; lane < 32u; ++lane) {
        if (mask & (1u << lane)) {
            if (seen == n) {
                return lane;
            }
            ++seen;
        }
    }
    return 32u;
}

/* Bits of `lanes` (lane numbering) restricted to `group_mask`, renumbered by group rank. */
__device__ __forceinline__ unsigned int pack_lanes(unsigned int group_mask, unsigned int lanes) {
    unsigned int packed = 0;
    unsigned int rank = 0;
    for (unsigned int lane = 0; lane < 32u; ++lane) {
        unsigned int bit = 1u << lane;
        if (group_mask & bit) {
            if (lanes & bit) {
                packed |= 1u << rank;
            }
            ++rank;
        }
    }
    return packed;
}

/* Kinds of thread_group. */
const unsigned int thread_block_id = 1u;
const unsigned int coalesced_group_id = 2u;

} /* namespace details */

/* A group of threads: a block, a tile of a warp or a coalesced group (type-erased). */
class thread_group {
protected:
    unsigned int _type;
    unsigned int _mask;
    unsigned int _meta_rank;
    unsigned int _meta_size;
    bool _tiled;

    __device__ thread_group(unsigned int type, unsigned int mask, unsigned int meta_rank,
                            unsigned int meta_size, bool tiled)
        : _type(type), _mask(mask), _meta_rank(meta_rank), _meta_size(meta_size), _tiled(tiled) {}

public:
    /* The kind of group (details::thread_block_id or details::coalesced_group_id). */
    __device__ unsigned int get_type() const { return _type; }
    /* The lanes of the group in the warp (tiles and coalesced groups). */
    __device__ unsigned int get_mask() const { return _mask; }
    __device__ bool is_tiled() const { return _tiled; }
    __device__ unsigned int meta_rank() const { return _meta_rank; }
    __device__ unsigned int meta_size() const { return _meta_size; }

    __device__ unsigned int num_threads() const {
        if (_type == details::thread_block_id) {
            return details::cta_size();
        }
        return __popc(_mask);
    }
    __device__ unsigned int size() const { return num_threads(); }
    __device__ unsigned int thread_rank() const {
        if (_type == details::thread_block_id) {
            return details::cta_thread_rank();
        }
        return __popc(_mask & details::lanemask_lt());
    }
    __device__ void sync() const {
        if (_type == details::thread_block_id) {
            __syncthreads();
        } else {
            __syncwarp(_mask);
        }
    }
};

/* The calling thread's block. */
class thread_block : public thread_group {
public:
    __device__ thread_block() : thread_group(details::thread_block_id, 0xffffffffu, 0u, 1u, false) {}

    __device__ void sync() const { __syncthreads(); }
    __device__ unsigned int size() const { return details::cta_size(); }
    __device__ unsigned int num_threads() const { return details::cta_size(); }
    __device__ unsigned int thread_rank() const { return details::cta_thread_rank(); }
    __device__ dim3 group_index() const { return dim3(blockIdx.x, blockIdx.y, blockIdx.z); }
    __device__ dim3 thread_index() const { return dim3(threadIdx.x, threadIdx.y, threadIdx.z); }
    __device__ dim3 group_dim() const { return dim3(blockDim.x, blockDim.y, blockDim.z); }
    __device__ dim3 dim_threads() const { return dim3(blockDim.x, blockDim.y, blockDim.z); }
};

/* The block of the calling thread. */
__device__ __forceinline__ thread_block this_thread_block() {
    return thread_block();
}

/* The active lanes of a warp at the point where it was made. */
class coalesced_group : public thread_group {
public:
    /* The most threads the group can have (a bound for loops over its ranks). */
    static const unsigned int max_size = 32u;

    __device__ coalesced_group(unsigned int mask, unsigned int meta_rank, unsigned int meta_size,
                               bool tiled)
        : thread_group(details::coalesced_group_id, mask, meta_rank, meta_size, tiled) {}

    __device__ unsigned int num_threads() const { return __popc(_mask); }
    __device__ unsigned int size() const { return __popc(_mask); }
    __device__ unsigned int thread_rank() const { return __popc(_mask & details::lanemask_lt()); }
    __device__ unsigned int meta_group_rank() const { return _meta_rank; }
    __device__ unsigned int meta_group_size() const { return _meta_size; }
    __device__ void sync() const { __syncwarp(_mask); }

    template <typename T>
    __device__ T shfl(T var, int src_rank) const {
        unsigned int lane = size() == 32u ? (unsigned int)src_rank
                                          : details::nth_lane(_mask, (unsigned int)src_rank);
        return __shfl_sync(_mask, var, (int)lane, 32);
    }
    /* Single-exit bodies: a GPU target runs a collective only where every thread of the block
       reaches it, and an early return around one would make the caller's code divergent. */
    template <typename T>
    __device__ T shfl_down(T var, unsigned int delta) const {
        unsigned int lane = details::nth_lane(_mask, thread_rank() + delta);
        return __shfl_sync(_mask, var, lane < 32u ? (int)lane : (int)details::laneid(), 32);
    }
    template <typename T>
    __device__ T shfl_up(T var, unsigned int delta) const {
        unsigned int rank = thread_rank();
        unsigned int lane = rank >= delta ? details::nth_lane(_mask, rank - delta) : details::laneid();
        return __shfl_sync(_mask, var, (int)lane, 32);
    }
    __device__ int any(int predicate) const { return __ballot_sync(_mask, predicate) != 0u; }
    __device__ int all(int predicate) const { return __ballot_sync(_mask, predicate) == _mask; }
    __device__ unsigned int ballot(int predicate) const {
        return details::pack_lanes(_mask, __ballot_sync(_mask, predicate));
    }
    template <typename T>
    __device__ unsigned int match_any(T value) const {
        return details::pack_lanes(_mask, __match_any_sync(_mask, value));
    }
    template <typename T>
    __device__ unsigned int match_all(T value, int &pred) const {
        return details::pack_lanes(_mask, __match_all_sync(_mask, value, &pred));
    }
};

/* The lanes of the calling warp that are active here. */
__device__ __forceinline__ coalesced_group coalesced_threads() {
    return coalesced_group(__activemask(), 0u, 1u, false);
}

/*
 * Size consecutive threads of a warp (Size = 1, 2, 4, 8, 16 or 32), made by
 * tiled_partition<Size>(parent). ParentT names the parent group type (void: any).
 */
template <unsigned int Size, typename ParentT = void>
class thread_block_tile : public thread_group {
    static_assert(Size == 1u || Size == 2u || Size == 4u || Size == 8u || Size == 16u || Size == 32u,
                  "thread_block_tile<Size>: cwcc supports the one-warp sizes 1, 2, 4, 8, 16 and 32");

public:
    /* The most threads the group can have (a bound for loops over its ranks). */
    static const unsigned int max_size = Size;

    __device__ thread_block_tile(unsigned int meta_rank, unsigned int meta_size)
        : thread_group(details::coalesced_group_id, build_mask(), meta_rank, meta_size, true) {}
    /* tiled_partition<Size> gives thread_block_tile<Size>; it converts to the same tile with a
       named parent type (thread_block_tile<32, thread_block>), and is copied by this. */
    __device__ thread_block_tile(const thread_block_tile<Size, void> &tile)
        : thread_group(details::coalesced_group_id, build_mask(), tile.meta_rank(), tile.meta_size(),
                       true) {}

    /* The tile's lanes in the warp. */
    __device__ static unsigned int build_mask() {
        return (0xffffffffu >> (32u - Size)) << (details::laneid() & ~(Size - 1u));
    }
    /* The first lane of the tile. */
    __device__ static unsigned int base_lane() { return details::laneid() & ~(Size - 1u); }

    __device__ unsigned int num_threads() const { return Size; }
    __device__ unsigned int size() const { return Size; }
    __device__ unsigned int thread_rank() const { return details::cta_thread_rank() & (Size - 1u); }
    __device__ unsigned int meta_group_rank() const { return _meta_rank; }
    __device__ unsigned int meta_group_size() const { return _meta_size; }
    __device__ void sync() const { __syncwarp(build_mask()); }

    template <typename T>
    __device__ T shfl(T var, int src_rank) const {
        return __shfl_sync(build_mask(), var, src_rank, (int)Size);
    }
    template <typename T>
    __device__ T shfl_down(T var, unsigned int delta) const {
        return __shfl_down_sync(build_mask(), var, delta, (int)Size);
    }
    template <typename T>
    __device__ T shfl_up(T var, unsigned int delta) const {
        return __shfl_up_sync(build_mask(), var, delta, (int)Size);
    }
    template <typename T>
    __device__ T shfl_xor(T var, unsigned int lane_mask) const {
        return __shfl_xor_sync(build_mask(), var, (int)lane_mask, (int)Size);
    }
    __device__ int any(int predicate) const { return __ballot_sync(build_mask(), predicate) != 0u; }
    __device__ int all(int predicate) const {
        return __ballot_sync(build_mask(), predicate) == build_mask();
    }
    __device__ unsigned int ballot(int predicate) const {
        return __ballot_sync(build_mask(), predicate) >> base_lane();
    }
    template <typename T>
    __device__ unsigned int match_any(T value) const {
        return __match_any_sync(build_mask(), value) >> base_lane();
    }
    template <typename T>
    __device__ unsigned int match_all(T value, int &pred) const {
        return __match_all_sync(build_mask(), value, &pred) >> base_lane();
    }
};

/* Partitions `parent` (a thread_block or a thread_block_tile) into tiles of Size threads. */
template <unsigned int Size, typename ParentT>
__device__ __forceinline__ thread_block_tile<Size> tiled_partition(const ParentT &parent) {
    return thread_block_tile<Size>(parent.thread_rank() / Size, (parent.size() + Size - 1u) / Size);
}

/* Partitions `parent` into tiles of `tile_size` threads (a power of two up to 32). */
__device__ __forceinline__ thread_group tiled_partition(const thread_group &parent,
                                                         unsigned int tile_size) {
    unsigned int rank = parent.thread_rank();
    unsigned int size = parent.size();
    if (parent.get_type() == details::thread_block_id || parent.is_tiled()) {
        /* The parent's ranks are consecutive lanes: the tile is a run of lanes. */
        unsigned int base = rank & ~(tile_size - 1u);
        unsigned int length = size - base < tile_size ? size - base : tile_size;
        unsigned int mask = (0xffffffffu >> (32u - length)) << (details::laneid() & ~(tile_size - 1u));
        unsigned int meta_size = parent.get_type() == details::thread_block_id
                                     ? (size + tile_size - 1u) / tile_size
                                     : size / tile_size;
        if (parent.get_type() != details::thread_block_id && size <= tile_size) {
            return parent;
        }
        return coalesced_group(mask, rank / tile_size, meta_size, true);
    }
    if (size <= tile_size) {
        return parent;
    }
    /* A coalesced group: the tile holds tile_size consecutive members by rank. */
    unsigned int first = rank / tile_size * tile_size;
    unsigned int mask = 0;
    unsigned int seen = 0;
    unsigned int parent_mask = parent.get_mask();
    for (unsigned int lane = 0; lane < 32u; ++lane) {
        unsigned int bit = 1u << lane;
        if (parent_mask & bit) {
            if (seen >= first && seen < first + tile_size) {
                mask |= bit;
            }
            ++seen;
        }
    }
    return coalesced_group(mask, rank / tile_size, (size + tile_size - 1u) / tile_size, false);
}

/* The same for a coalesced group, keeping the coalesced type. */
__device__ __forceinline__ coalesced_group tiled_partition(const coalesced_group &parent,
                                                            unsigned int tile_size) {
    thread_group g = tiled_partition((const thread_group &)parent, tile_size);
    return coalesced_group(g.get_mask(), g.meta_rank(), g.meta_size(), g.is_tiled());
}

/* The members of `parent` (a thread_block_tile or a coalesced_group) whose label equals the
   caller's, as a coalesced group. */
template <unsigned int Size, typename ParentT, typename Label>
__device__ __forceinline__ coalesced_group labeled_partition(const thread_block_tile<Size, ParentT> &parent,
                                                             Label label) {
    return coalesced_group(__match_any_sync(parent.get_mask(), label), 0u, 1u, false);
}
template <typename Label>
__device__ __forceinline__ coalesced_group labeled_partition(const coalesced_group &parent, Label label) {
    return coalesced_group(__match_any_sync(parent.get_mask(), label), 0u, 1u, false);
}

/* The members of `parent` (a thread_block_tile or a coalesced_group) whose predicate equals the
   caller's, as a coalesced group. */
__device__ __forceinline__ unsigned int binary_partition_mask(unsigned int parent_mask, bool predicate) {
    unsigned int ballot = __ballot_sync(parent_mask, predicate);
    return predicate ? ballot & parent_mask : ~ballot & parent_mask;
}
template <unsigned int Size, typename ParentT>
__device__ __forceinline__ coalesced_group binary_partition(const thread_block_tile<Size, ParentT> &parent,
                                                            bool predicate) {
    return coalesced_group(binary_partition_mask(parent.get_mask(), predicate), 0u, 1u, false);
}
__device__ __forceinline__ coalesced_group binary_partition(const coalesced_group &parent, bool predicate) {
    return coalesced_group(binary_partition_mask(parent.get_mask(), predicate), 0u, 1u, false);
}

/* All threads of the grid. */
class grid_group {
public:
    __device__ grid_group() {}

    /* Whether the kernel was launched cooperatively: never with cwcc. */
    __device__ bool is_valid() const { return false; }
    /* A grid-wide barrier needs a cooperative launch, which cwcc does not do: declared without
       a body, and a call is a compile-time error at the call (compiler/hir, unavailable.rs). */
    __device__ void sync() const;

    __device__ unsigned long long num_blocks() const {
        return (unsigned long long)gridDim.x * gridDim.y * gridDim.z;
    }
    __device__ unsigned long long block_rank() const {
        return blockIdx.x + (unsigned long long)gridDim.x * (blockIdx.y + (unsigned long long)gridDim.y * blockIdx.z);
    }
    __device__ unsigned long long num_threads() const {
        return num_blocks() * details::cta_size();
    }
    __device__ unsigned long long size() const { return num_threads(); }
    __device__ unsigned long long thread_rank() const {
        return block_rank() * details::cta_size() + details::cta_thread_rank();
    }
    __device__ dim3 group_dim() const { return dim3(gridDim.x, gridDim.y, gridDim.z); }
    __device__ dim3 dim_blocks() const { return dim3(gridDim.x, gridDim.y, gridDim.z); }
    __device__ dim3 block_index() const { return dim3(blockIdx.x, blockIdx.y, blockIdx.z); }
};

/* The grid of the calling thread. */
__device__ __forceinline__ grid_group this_grid() {
    return grid_group();
}

/* cg::sync(grid): the grid barrier, unavailable like grid_group::sync() (declared without a
   body; a call is a compile-time error at the call). */
__device__ void sync(const grid_group &g);

/* Free forms of the group methods. */
template <class GroupT>
__device__ __forceinline__ void sync(const GroupT &g) {
    g.sync();
}
template <class GroupT>
__device__ __forceinline__ unsigned long long thread_rank(const GroupT &g) {
    return g.thread_rank();
}
template <class GroupT>
__device__ __forceinline__ unsigned long long group_size(const GroupT &g) {
    return g.num_threads();
}

} /* namespace cooperative_groups */

#endif /* CWCC_COOPERATIVE_GROUPS_H_INCLUDED */

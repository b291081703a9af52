/* cwcc device library: warp shuffles, votes, match and reductions */
#ifndef CWCC_SM_30_INTRINSICS_H_INCLUDED
#define CWCC_SM_30_INTRINSICS_H_INCLUDED

/*
 * Warp-level primitives: shuffles, votes, match and reduce. A warp has 32 threads; `mask`
 * names the participating lanes. `width` (a power of two up to 32) splits the warp into segments.
 */

/* ---- shuffles ---- */
__device__ int __shfl_sync(unsigned int mask, int var, int srcLane, int width = 32);
__device__ int __shfl_up_sync(unsigned int mask, int var, unsigned int delta, int width = 32);
__device__ int __shfl_down_sync(unsigned int mask, int var, unsigned int delta, int width = 32);
__device__ int __shfl_xor_sync(unsigned int mask, int var, int laneMask, int width = 32);
__device__ unsigned int __shfl_sync(unsigned int mask, unsigned int var, int srcLane, int width = 32);
__device__ unsigned int __shfl_up_sync(unsigned int mask, unsigned int var, unsigned int delta, int width = 32);
__device__ unsigned int __shfl_down_sync(unsigned int mask, unsigned int var, unsigned int delta, int width = 32);
__device__ unsigned int __shfl_xor_sync(unsigned int mask, unsigned int var, int laneMask, int width = 32);
__device__ long int __shfl_sync(unsigned int mask, long int var, int srcLane, int width = 32);
__device__ long int __shfl_up_sync(unsigned int mask, long int var, unsigned int delta, int width = 32);
__device__ long int __shfl_down_sync(unsigned int mask, long int var, unsigned int delta, int width = 32);
__device__ long int __shfl_xor_sync(unsigned int mask, long int var, int laneMask, int width = 32);
__device__ unsigned long int __shfl_sync(unsigned int mask, unsigned long int var, int srcLane, int width = 32);
__device__ unsigned long int __shfl_up_sync(unsigned int mask, unsigned long int var, unsigned int delta, int width = 32);
__device__ unsigned long int __shfl_down_sync(unsigned int mask, unsigned long int var, unsigned int delta, int width = 32);
__device__ unsigned long int __shfl_xor_sync(unsigned int mask, unsigned long int var, int laneMask, int width = 32);
__device__ long long int __shfl_sync(unsigned int mask, long long int var, int srcLane, int width = 32);
__device__ long long int __shfl_up_sync(unsigned int mask, long long int var, unsigned int delta, int width = 32);
__device__ long long int __shfl_down_sync(unsigned int mask, long long int var, unsigned int delta, int width = 32);
__device__ long long int __shfl_xor_sync(unsigned int mask, long long int var, int laneMask, int width = 32);
__device__ unsigned long long int __shfl_sync(unsigned int mask, unsigned long long int var, int srcLane, int width = 32);
__device__ unsigned long long int __shfl_up_sync(unsigned int mask, unsigned long long int var, unsigned int delta, int width = 32);
__device__ unsigned long long int __shfl_down_sync(unsigned int mask, unsigned long long int var, unsigned int delta, int width = 32);
__device__ unsigned long long int __shfl_xor_sync(unsigned int mask, unsigned long long int var, int laneMask, int width = 32);
__device__ float __shfl_sync(unsigned int mask, float var, int srcLane, int width = 32);
__device__ float __shfl_up_sync(unsigned int mask, float var, unsigned int delta, int width = 32);
__device__ float __shfl_down_sync(unsigned int mask, float var, unsigned int delta, int width = 32);
__device__ float __shfl_xor_sync(unsigned int mask, float var, int laneMask, int width = 32);
__device__ double __shfl_sync(unsigned int mask, double var, int srcLane, int width = 32);
__device__ double __shfl_up_sync(unsigned int mask, double var, unsigned int delta, int width = 32);
__device__ double __shfl_down_sync(unsigned int mask, double var, unsigned int delta, int width = 32);
__device__ double __shfl_xor_sync(unsigned int mask, double var, int laneMask, int width = 32);

/* ---- votes ---- */
__device__ unsigned int __ballot_sync(unsigned int mask, int predicate);
__device__ int __any_sync(unsigned int mask, int predicate);
__device__ int __all_sync(unsigned int mask, int predicate);
__device__ int __uni_sync(unsigned int mask, int predicate);
__device__ unsigned int __activemask(void);

/* ---- match ---- */
__device__ unsigned int __match_any_sync(unsigned int mask, int value);
__device__ unsigned int __match_all_sync(unsigned int mask, int value, int *pred);
__device__ unsigned int __match_any_sync(unsigned int mask, unsigned int value);
__device__ unsigned int __match_all_sync(unsigned int mask, unsigned int value, int *pred);
__device__ unsigned int __match_any_sync(unsigned int mask, long int value);
__device__ unsigned int __match_all_sync(unsigned int mask, long int value, int *pred);
__device__ unsigned int __match_any_sync(unsigned int mask, unsigned long int value);
__device__ unsigned int __match_all_sync(unsigned int mask, unsigned long int value, int *pred);
__device__ unsigned int __match_any_sync(unsigned int mask, long long int value);
__device__ unsigned int __match_all_sync(unsigned int mask, long long int value, int *pred);
__device__ unsigned int __match_any_sync(unsigned int mask, unsigned long long int value);
__device__ unsigned int __match_all_sync(unsigned int mask, unsigned long long int value, int *pred);
__device__ unsigned int __match_any_sync(unsigned int mask, float value);
__device__ unsigned int __match_all_sync(unsigned int mask, float value, int *pred);
__device__ unsigned int __match_any_sync(unsigned int mask, double value);
__device__ unsigned int __match_all_sync(unsigned int mask, double value, int *pred);

/* ---- reductions across the warp (sm_80) ---- */
__device__ unsigned int __reduce_add_sync(unsigned int mask, unsigned int value);
__device__ int __reduce_add_sync(unsigned int mask, int value);
__device__ unsigned int __reduce_min_sync(unsigned int mask, unsigned int value);
__device__ int __reduce_min_sync(unsigned int mask, int value);
__device__ unsigned int __reduce_max_sync(unsigned int mask, unsigned int value);
__device__ int __reduce_max_sync(unsigned int mask, int value);
__device__ unsigned int __reduce_and_sync(unsigned int mask, unsigned int value);
__device__ unsigned int __reduce_or_sync(unsigned int mask, unsigned int value);
__device__ unsigned int __reduce_xor_sync(unsigned int mask, unsigned int value);

#endif /* CWCC_SM_30_INTRINSICS_H_INCLUDED */

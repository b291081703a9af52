// CUDA-samples-style simpleVoteIntrinsics: __any_sync, __all_sync, __ballot_sync and match/reduce warp collectives.
#include <cuda_runtime.h>

#define WARP_SZ 32
#define FULL 0xffffffffU

__global__ void VoteAnyKernel1(const unsigned int *input, unsigned int *result, int size)
{
    int tx = threadIdx.x;
    int mask = FULL;
    result[tx] = __any_sync(mask, input[tx]);
}

__global__ void VoteAllKernel2(const unsigned int *input, unsigned int *result, int size)
{
    int tx = threadIdx.x;
    result[tx] = __all_sync(FULL, input[tx]);
}

__global__ void VoteBallotKernel3(bool *info, int warp_size)
{
    int tx = threadIdx.x;
    unsigned int ballot = __ballot_sync(FULL, tx % 2 == 0);
    bool *offs = info + (tx * 3);
    *offs = (ballot == 0x55555555u);
    *(offs + 1) = __popc(ballot) == warp_size / 2;
    *(offs + 2) = !(ballot & 1u) ? false : true;
}

__global__ void MatchReduceKernel(const int *keys, unsigned int *groups, int *sums, unsigned int *maxes)
{
    int tx = blockIdx.x * blockDim.x + threadIdx.x;
    int key = keys[tx];
    unsigned int peers = __match_any_sync(FULL, key);
    int allSame = 0;
    __match_all_sync(FULL, key, &allSame);
    groups[tx] = allSame ? FULL : peers;
    sums[tx] = __reduce_add_sync(FULL, key);
    maxes[tx] = __reduce_max_sync(FULL, (unsigned int)key) | __reduce_or_sync(FULL, 0u);
    __syncwarp();
}

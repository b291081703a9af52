// __activemask in a block whose size is not a multiple of 32 (the last warp is partial), and __popc of ballots.
extern "C" __global__ void activemask_partial(unsigned int* masks, int* counts, unsigned int* lane_ids)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    unsigned int m = __activemask();
    masks[i] = m;
    counts[i] = __popc(__ballot_sync(m, threadIdx.x % 3 == 0));
    lane_ids[i] = threadIdx.x % 32 + 100u * (threadIdx.x / 32);
}

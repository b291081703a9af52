// __ballot_sync / __any_sync / __all_sync with full and partial masks, including inside a divergent branch.
extern "C" __global__ void warp_vote(const int* in, unsigned int* ballots, int* anys, int* alls, unsigned int* partial)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    int lane = threadIdx.x & 31;
    int v = in[i];
    int pred = v > 50;
    ballots[i] = __ballot_sync(0xffffffffu, pred);
    anys[i] = __any_sync(0xffffffffu, v > 95);
    alls[i] = __all_sync(0xffffffffu, v >= 3);
    if (lane < 20) {
        // only lanes 0..19 take this branch: the mask names exactly them
        unsigned int b = __ballot_sync(0x000fffffu, v & 1);
        int a = __all_sync(0x000fffffu, v < 100);
        int y = __any_sync(0x000fffffu, v == 7);
        partial[i] = b ^ ((unsigned int)a << 30) ^ ((unsigned int)y << 31);
    } else {
        unsigned int b = __ballot_sync(0xfff00000u, v & 2);
        partial[i] = b | 1u;
    }
}

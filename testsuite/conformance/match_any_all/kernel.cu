// __match_any_sync and __match_all_sync on 32- and 64-bit keys.
extern "C" __global__ void match_any_all(const int* keys, unsigned int* any_masks, unsigned int* all_masks, int* all_preds,
                                         unsigned int* any64)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    int k = keys[i];
    any_masks[i] = __match_any_sync(0xffffffffu, k);
    int pred = 0;
    all_masks[i] = __match_all_sync(0xffffffffu, k / 1000, &pred);
    all_preds[i] = pred;
    long long k64 = (long long)(k % 3) << 40;
    any64[i] = __match_any_sync(0xffffffffu, k64);
}

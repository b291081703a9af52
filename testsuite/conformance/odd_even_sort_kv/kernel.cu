// Odd-even transposition sort of (float key, int value) pairs, 128 per block, with a barrier per phase.
extern "C" __global__ void odd_even_sort_kv(float* keys, int* values)
{
    __shared__ float k[128];
    __shared__ int v[128];
    int t = threadIdx.x;
    int base = blockIdx.x * 128;
    k[t] = keys[base + t];
    v[t] = values[base + t];
    __syncthreads();
    for (int phase = 0; phase < 128; ++phase) {
        int i = 2 * t + (phase & 1);
        if (t < 64 && i + 1 < 128) {
            if (k[i] > k[i + 1] || (k[i] == k[i + 1] && v[i] > v[i + 1])) {
                float tk = k[i]; k[i] = k[i + 1]; k[i + 1] = tk;
                int tv = v[i]; v[i] = v[i + 1]; v[i + 1] = tv;
            }
        }
        __syncthreads();
    }
    keys[base + t] = k[t];
    values[base + t] = v[t];
}

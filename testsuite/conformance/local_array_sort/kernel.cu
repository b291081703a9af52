// Per-thread local arrays with dynamic indexing: insertion sort of 8 values per thread, then a median and a rank.
extern "C" __global__ void local_sort(const int* in, int* sorted, int* stats, int n)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    int v[8];
    for (int k = 0; k < 8; ++k) v[k] = in[8 * i + k];
    for (int k = 1; k < 8; ++k) {
        int key = v[k];
        int j = k - 1;
        while (j >= 0 && v[j] > key) {
            v[j + 1] = v[j];
            --j;
        }
        v[j + 1] = key;
    }
    for (int k = 0; k < 8; ++k) sorted[8 * i + k] = v[k];
    int probe = in[8 * i + (i & 7)];
    int rank = 0;
    while (rank < 8 && v[rank] < probe) ++rank;
    stats[2 * i] = (v[3] + v[4]) / 2;
    stats[2 * i + 1] = rank;
}
